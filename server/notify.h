/*
 * notify.h - systemd's service notification protocol (sd_notify(3)), written out
 * here instead of linking libsystemd: one datagram of "KEY=VALUE" lines sent to
 * the unix socket named by $NOTIFY_SOCKET.  Without that variable (not started by
 * systemd as Type=notify) it does nothing.
 */
#ifndef SCIPNET_SERVER_NOTIFY_H
#define SCIPNET_SERVER_NOTIFY_H

/* Longest state text sent; longer is refused (a datagram, never truncated). */
#define NOTIFY_STATE_MAX 512

/* Sends state ("READY=1", "STOPPING=1", ...).  0 when sent or nobody listens, -1
   (with errno) when $NOTIFY_SOCKET is set but unusable: the caller logs it. */
int notify_send(const char *state);
/* Formats the state and sends it; a failure is logged as a warning, never fatal. */
void notify_state(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* $WATCHDOG_USEC when systemd asks this process (WatchdogSec= in the unit, and
   $WATCHDOG_PID unset or ours) for a "WATCHDOG=1" at least that often; else 0. */
long long notify_watchdog_usec(void);

#endif
