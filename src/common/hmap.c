/*
 * Open-addressing hash map with linear probing. Lookups by process name
 * and by pid must stay O(1) with thousands of processes; this is all the
 * daemon needs and keeps the dependency list short.
 */
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "xmalloc.h"

static uint64_t
hmap_hash_str(const char *s)
{
	uint64_t	h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (h | 1);
}

static uint64_t
hmap_hash_int(int64_t k)
{
	uint64_t	h = (uint64_t)k;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (h | 1);
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
	if (s->hash != h || s->tomb)
		return (0);
	if (skey != NULL)
		return (s->skey != NULL && strcmp(s->skey, skey) == 0);
	return (s->skey == NULL && s->ikey == ikey);
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

	m->cap = oldcap == 0 ? 16 : (m->count * 2 < oldcap ? oldcap :
	    oldcap * 2);
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	m->used = m->count = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].hash != 0 && !old[i].tomb)
			hmap_insert(m, old[i].hash, old[i].skey, old[i].ikey,
			    old[i].value);
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
	for (i = h & mask; m->slots[i].hash != 0 && !m->slots[i].tomb;
	    i = (i + 1) & mask)
		;
	s = &m->slots[i];
	if (s->hash == 0)
		m->used++;
	s->hash = h;
	s->skey = skey;
	s->ikey = ikey;
	s->value = value;
	s->tomb = 0;
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
	s->tomb = 1;
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
