/* view_cache.c - a direct-mapped table of rendered replies, one lock per slot. */
#include "server/view_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Enough for every file at every clearance of a large demo; at most ~16 KB each. */
#define VIEW_CACHE_SLOTS 256
/* Keys begin with what names the file and reader (file_view_key): hash only that. */
#define KEY_HEAD_BYTES 64

struct slot {
    pthread_mutex_t lock;
    char *key, *text;
    size_t key_length, text_length;
};

struct view_cache {
    struct slot slots[VIEW_CACHE_SLOTS];
};

struct view_cache *view_cache_new(void)
{
    struct view_cache *cache = calloc(1, sizeof(*cache));
    if (cache == NULL)
        return NULL;
    for (int i = 0; i < VIEW_CACHE_SLOTS; i++)
        pthread_mutex_init(&cache->slots[i].lock, NULL);
    return cache;
}

void view_cache_free(struct view_cache *cache)
{
    if (cache == NULL)
        return;
    for (int i = 0; i < VIEW_CACHE_SLOTS; i++) {
        free(cache->slots[i].key);
        free(cache->slots[i].text);
        pthread_mutex_destroy(&cache->slots[i].lock);
    }
    free(cache);
}

static struct slot *slot_for(struct view_cache *cache, const char *key, size_t key_length)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    size_t n = key_length < KEY_HEAD_BYTES ? key_length : KEY_HEAD_BYTES;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    return &cache->slots[h % VIEW_CACHE_SLOTS];
}

char *view_cache_get(struct view_cache *cache, const char *key, size_t key_length,
                     size_t *text_length)
{
    struct slot *s = slot_for(cache, key, key_length);
    char *copy = NULL;
    pthread_mutex_lock(&s->lock);
    /* The whole key is compared: a hit means the very same inputs. */
    if (s->key != NULL && s->key_length == key_length && memcmp(s->key, key, key_length) == 0) {
        copy = malloc(s->text_length + 1);
        if (copy != NULL) {
            memcpy(copy, s->text, s->text_length);
            copy[s->text_length] = '\0';
            *text_length = s->text_length;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return copy;
}

void view_cache_put(struct view_cache *cache, const char *key, size_t key_length, const char *text,
                    size_t text_length)
{
    char *k = malloc(key_length), *t = malloc(text_length);
    if (k == NULL || t == NULL) {
        free(k);
        free(t);
        return;
    }
    memcpy(k, key, key_length);
    memcpy(t, text, text_length);
    struct slot *s = slot_for(cache, key, key_length);
    pthread_mutex_lock(&s->lock);
    char *old_key = s->key, *old_text = s->text;
    s->key = k;
    s->key_length = key_length;
    s->text = t;
    s->text_length = text_length;
    pthread_mutex_unlock(&s->lock);
    free(old_key);
    free(old_text);
}
