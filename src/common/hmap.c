/*
 * Open-addressing hash map with linear probing. Lookups by process name
 * and by pid must stay O(1) with thousands of processes; this is all the
 * daemon needs and keeps the dependency list short.
 */
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

#define HMAP_TOMB	2	/* even, so no live hash equals it */
#define HMAP_STR	2	/* in a live hash: the key is a string */
#define HMAP_FIRST	4	/* slots of a new map */

static uint64_t
hmap_hash_str(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (h | HMAP_STR | 1);
}

static uint64_t
hmap_hash_int(int64_t k)
{
	uint64_t	h = (uint64_t)k;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return ((h & ~(uint64_t)HMAP_STR) | 1);
}

void
hmap_init(struct hmap *m)
{
	memset(m, 0, sizeof *m);
}

void
hmap_free(struct hmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static int
hmap_match(const struct hmap_slot *s, uint64_t h, const char *skey,
    int64_t ikey)
{
	if (s->hash != h)
		return (0);
	if (h & HMAP_STR)
		return (strcmp(s->key.s, skey) == 0);
	return (s->key.i == ikey);
}

static struct hmap_slot *
hmap_find(const struct hmap *m, uint64_t h, const char *skey, int64_t ikey)
{
	size_t	i, mask;

	if (m->cap == 0)
		return (NULL);
	mask = m->cap - 1;
	for (i = h & mask;; i = (i + 1) & mask) {
		if (m->slots[i].hash == 0)
			return (NULL);
		if (hmap_match(&m->slots[i], h, skey, ikey))
			return (&m->slots[i]);
	}
}

static void hmap_insert(struct hmap *, uint64_t, const char *, int64_t,
    void *);

static void
hmap_grow(struct hmap *m)
{
	struct hmap_slot	*old = m->slots;
	size_t			 oldcap = m->cap, i;

	m->cap = oldcap == 0 ? HMAP_FIRST : (m->count * 2 < oldcap ? oldcap :
	    oldcap * 2);
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	m->used = m->count = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].hash == 0 || old[i].hash == HMAP_TOMB)
			continue;
		hmap_insert(m, old[i].hash, (old[i].hash & HMAP_STR) ?
		    old[i].key.s : NULL, (old[i].hash & HMAP_STR) ? 0 :
		    old[i].key.i, old[i].value);
	}
	free(old);
}

static void
hmap_insert(struct hmap *m, uint64_t h, const char *skey, int64_t ikey,
    void *value)
{
	struct hmap_slot	*s;
	size_t			 i, mask;

	if ((s = hmap_find(m, h, skey, ikey)) != NULL) {
		s->value = value;
		return;
	}
	if ((m->used + 1) * 4 >= m->cap * 3)
		hmap_grow(m);
	mask = m->cap - 1;
	for (i = h & mask; m->slots[i].hash != 0 &&
	    m->slots[i].hash != HMAP_TOMB; i = (i + 1) & mask)
		;
	s = &m->slots[i];
	if (s->hash == 0)
		m->used++;
	s->hash = h;
	if (h & HMAP_STR)
		s->key.s = skey;
	else
		s->key.i = ikey;
	s->value = value;
	m->count++;
}

static void *
hmap_remove(struct hmap *m, uint64_t h, const char *skey, int64_t ikey)
{
	struct hmap_slot	*s;
	void			*v;

	if ((s = hmap_find(m, h, skey, ikey)) == NULL)
		return (NULL);
	v = s->value;
	s->hash = HMAP_TOMB;
	s->value = NULL;
	m->count--;
	return (v);
}

void
hmap_put_str(struct hmap *m, const char *key, void *value)
{
	hmap_insert(m, hmap_hash_str(key), key, 0, value);
}

void *
hmap_get_str(const struct hmap *m, const char *key)
{
	struct hmap_slot *s = hmap_find(m, hmap_hash_str(key), key, 0);

	return (s != NULL ? s->value : NULL);
}

void *
hmap_del_str(struct hmap *m, const char *key)
{
	return (hmap_remove(m, hmap_hash_str(key), key, 0));
}

void
hmap_put_int(struct hmap *m, int64_t key, void *value)
{
	hmap_insert(m, hmap_hash_int(key), NULL, key, value);
}

void *
hmap_get_int(const struct hmap *m, int64_t key)
{
	struct hmap_slot *s = hmap_find(m, hmap_hash_int(key), NULL, key);

	return (s != NULL ? s->value : NULL);
}

void *
hmap_del_int(struct hmap *m, int64_t key)
{
	return (hmap_remove(m, hmap_hash_int(key), NULL, key));
}
