/* args.c - strict readers of a request's optional arguments. */
#include "server/args.h"

#include <assert.h>
#include <string.h>

bool args_optional_int(const json_t *args, const char *key, int min, int max, int *out)
{
    assert(min <= max);
    json_t *v = json_object_get(args, key);
    if (v == NULL)
        return true;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return false;
    *out = (int)json_integer_value(v);
    return true;
}

bool args_optional_string(const json_t *args, const char *key, size_t max, const char **out)
{
    json_t *v = json_object_get(args, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return true;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= max ||
        strlen(json_string_value(v)) != json_string_length(v))
        return false;
    *out = json_string_value(v);
    return true;
}
