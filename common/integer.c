/* integer.c - the one strict integer parser (integer.h). */
#include "common/integer.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

bool integer_parse(const char *text, int64_t min, int64_t max, int64_t *out)
{
    assert(min <= max);
    /* strtoll alone would take " 7", "+7" and "7 " as well: the first character is checked
       here, the last by *end. */
    const char *digits = text[0] == '-' ? text + 1 : text;
    if (!isdigit((unsigned char)digits[0]))
        return false;
    errno = 0;
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (errno != 0 || *end != '\0' || value < min || value > max)
        return false;
    *out = value;
    return true;
}
