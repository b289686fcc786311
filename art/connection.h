/* connection.h - the connection broke, the server failed or refused trust. */
#ifndef SCIPNET_ART_CONNECTION_H
#define SCIPNET_ART_CONNECTION_H

#include <stdbool.h>

#include "art/canvas.h"
#include "art/frame.h"

struct art_connection {
    const char *title;   /* "CONNECTION LOST", "SERVER ERROR", "HOST IDENTIFICATION CHANGED" */
    const char *server;  /* host:port */
    const char *message; /* what went wrong, in a sentence */
    const char *choices; /* "Press r to reconnect, q to quit." */
    bool alarm;          /* draw in the alarm colour */
};
void art_connection(struct canvas *c, const struct art_frame *f, const struct art_connection *s);

#endif
