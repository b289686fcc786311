/*
 * refusal.h - the box the two refusal screens share (INSUFFICIENT CLEARANCE, ACCESS DENIED):
 * a title in an alarm colour, the reason, then the clearance needed against the reader's.
 */
#ifndef SCIPNET_ART_REFUSAL_H
#define SCIPNET_ART_REFUSAL_H

#include "art/model.h"
#include "art/notice.h"

/* Start n as a refusal; the caller may add lines after the two clearance lines. */
void art_refusal_notice(struct art_notice *n, const char *title, const char *colour,
                        const char *reason, const struct art_level *needed,
                        const struct art_level *mine);

#endif
