/*
 * view_cache.h - rendered file replies, memoized on everything they are made from.
 *
 * Cutting a file for a reader (markup parsing, the JSON tree, serializing it) costs
 * more than loading it.  The render is a pure function of the loaded file and the
 * reader, so its text is kept under a key holding all of that (file_view_key): a
 * file changed in the store, by this server or any other, simply no longer matches
 * its old key.  Nothing is invalidated and nothing stale can be served; the store
 * is still read on every request.  Thread-safe; a fixed number of slots bounds the
 * memory.
 */
#ifndef SCIPNET_SERVER_VIEW_CACHE_H
#define SCIPNET_SERVER_VIEW_CACHE_H

#include <stddef.h>

struct view_cache;

struct view_cache *view_cache_new(void);
void view_cache_free(struct view_cache *cache);

/* A malloc'd copy of the text kept under exactly this key, or NULL. */
char *view_cache_get(struct view_cache *cache, const char *key, size_t key_length,
                     size_t *text_length);
/* Keeps copies of key and text, replacing whatever shared their slot. */
void view_cache_put(struct view_cache *cache, const char *key, size_t key_length, const char *text,
                    size_t text_length);

#endif
