/* redacted.h - ACCESS DENIED, a file above the reader. */
#ifndef SCIPNET_ART_REDACTED_H
#define SCIPNET_ART_REDACTED_H

#include "art/canvas.h"
#include "art/frame.h"
#include "art/model.h"
#include "art/notice.h"

void art_redacted_notice(const struct art_redacted_screen *s, struct art_notice *n);
void art_redacted(struct canvas *c, const struct art_frame *f, const struct art_redacted_screen *s);

#endif
