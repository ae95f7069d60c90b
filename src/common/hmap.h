/* A small open-addressing hash map from strings or integers to pointers. */
#ifndef HMAP_H
#define HMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * hash is 0 for an empty slot and HMAP_TOMB for a removed one; a live
 * hash is odd, with bit 1 telling string keys from integer keys, so a
 * slot is three words (a thousand one-process groups each have a map).
 */
struct hmap_slot {
	uint64_t	 hash;
	union {
		const char	*s;	/* borrowed */
		int64_t		 i;
	}		 key;
	void		*value;
};

struct hmap {
	struct hmap_slot	*slots;
	size_t			 cap;	/* power of two */
	size_t			 used;	/* live + tombstones */
	size_t			 count;	/* live */
};

void	 hmap_init(struct hmap *);
void	 hmap_free(struct hmap *);
/* String keys are borrowed: they must live as long as the entry. */
void	 hmap_put_str(struct hmap *, const char *key, void *value);
void	*hmap_get_str(const struct hmap *, const char *key);
void	*hmap_del_str(struct hmap *, const char *key);
void	 hmap_put_int(struct hmap *, int64_t key, void *value);
void	*hmap_get_int(const struct hmap *, int64_t key);
void	*hmap_del_int(struct hmap *, int64_t key);

#endif
