/* acs_panel.h - an SCP file's Anomaly Classification System panel: all four classes. */
#ifndef SCIPNET_ART_ACS_PANEL_H
#define SCIPNET_ART_ACS_PANEL_H

#include "art/layout.h"
#include "art/model.h"

/* How an unset class reads: a secondary class is simply absent, the others withheld. */
#define ART_ACS_UNSET_SECONDARY "None"
#define ART_ACS_UNSET           "[DATA EXPUNGED]"

/* Appends the panel (a heading and one row per class, each under 40 columns) to r. */
int art_acs_panel(struct rich *r, const struct art_file *f);

#endif
