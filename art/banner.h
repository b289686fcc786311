/* banner.h - the start screen, with the connection status and the trust question. */
#ifndef SCIPNET_ART_BANNER_H
#define SCIPNET_ART_BANNER_H

#include <stdbool.h>

#include "art/canvas.h"
#include "art/frame.h"
#include "art/startup.h"

struct art_banner {
    const char *server;   /* host:port */
    const char *status;   /* "Connecting…", "Connected" */
    const char *detail;   /* a paragraph (the fingerprint), or NULL */
    const char *question; /* "Trust this server? (y/N)", or NULL */
    bool alarm;
    const struct art_startup *steps; /* the connection steps so far, or NULL */
};
void art_banner(struct canvas *c, const struct art_frame *f, const struct art_banner *b);
/* The logo's rows drawn centred from row y; returns the rows used. */
int art_logo(struct canvas *c, int y, int x, int width);

#endif
