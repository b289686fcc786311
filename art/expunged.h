/* expunged.h - DATA EXPUNGED, no such file. */
#ifndef SCIPNET_ART_EXPUNGED_H
#define SCIPNET_ART_EXPUNGED_H

#include "art/canvas.h"
#include "art/frame.h"
#include "art/model.h"
#include "art/notice.h"

void art_expunged_notice(const struct art_expunged_screen *s, struct art_notice *n);
void art_expunged(struct canvas *c, const struct art_frame *f, const struct art_expunged_screen *s);

#endif
