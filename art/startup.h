/*
 * startup.h - the start screen's connection steps as they happen, each with how long it
 * really took, and the warning every terminal of a classified system shows.
 */
#ifndef SCIPNET_ART_STARTUP_H
#define SCIPNET_ART_STARTUP_H

#include <stddef.h>

#include "art/canvas.h"

/* TCP, TLS, fingerprint, hello, session: client/net.h's enum net_step, in its order. */
#define ART_STARTUP_STEPS 5

enum art_step_state { ART_STEP_WAITING, ART_STEP_RUNNING, ART_STEP_DONE };

struct art_step {
    enum art_step_state state;
    long long us;     /* DONE: how long the step took, in microseconds */
    char detail[120]; /* the address, the cipher, who vouched, ...; "" for none */
};

struct art_startup {
    struct art_step steps[ART_STARTUP_STEPS];
};

/* "TCP CONNECTION", "TLS HANDSHAKE", ... for step i. */
const char *art_startup_label(int i);
/* A duration as people read it: "0.3 ms", "41 ms", "1.52 s". */
void art_startup_duration(long long us, char *buf, size_t size);
/* One row per step from row y, in width columns from x; returns the rows used. */
int art_startup_draw(struct canvas *c, int y, int x, int width, const struct art_startup *s);

/* The classified-access warning, boxed and centred in width columns from x. */
#define ART_WARNING_ROWS 5
int art_classified_warning(struct canvas *c, int y, int x, int width);

#endif
