/* denied.h - INSUFFICIENT CLEARANCE, an action above the reader. */
#ifndef SCIPNET_ART_DENIED_H
#define SCIPNET_ART_DENIED_H

#include "art/canvas.h"
#include "art/frame.h"
#include "art/model.h"
#include "art/notice.h"

void art_denied_notice(const struct art_denied_screen *s, struct art_notice *n);
void art_denied(struct canvas *c, const struct art_frame *f, const struct art_denied_screen *s);

#endif
