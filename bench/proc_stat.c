/* proc_stat.c - reads kB fields of /proc/PID/status. */
#include "bench/proc_stat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long proc_status_kib(int pid, const char *field)
{
    char path[64];
    if (pid > 0)
        snprintf(path, sizeof(path), "/proc/%d/status", pid);
    else
        snprintf(path, sizeof(path), "/proc/self/status");
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[256];
    size_t flen = strlen(field);
    long kib = -1;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, field, flen) == 0 && line[flen] == ':') {
            kib = strtol(line + flen + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kib;
}
