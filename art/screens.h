/*
 * screens.h - every screen at once, for code that shows them all (client/ui*.c).
 * Each screen module has its own header; this one only gathers them.
 */
#ifndef SCIPNET_ART_SCREENS_H
#define SCIPNET_ART_SCREENS_H

#include "art/banner.h"
#include "art/browser.h"
#include "art/connection.h"
#include "art/create_form.h"
#include "art/denied.h"
#include "art/expunged.h"
#include "art/file_view.h"
#include "art/help.h"
#include "art/levels.h"
#include "art/login.h"
#include "art/redacted.h"
#include "art/welcome.h"

#endif
