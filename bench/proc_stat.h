/* proc_stat.h - a process's memory from /proc, for the server's footprint. */
#ifndef SCIPNET_BENCH_PROC_STAT_H
#define SCIPNET_BENCH_PROC_STAT_H

/* A "kB" field of /proc/PID/status ("VmRSS", "VmHWM"); -1 when unreadable. pid 0 = self. */
long proc_status_kib(int pid, const char *field);

#endif
