/* welcome.h - the greeting after login, from the login reply's screen. */
#ifndef SCIPNET_ART_WELCOME_H
#define SCIPNET_ART_WELCOME_H

#include <stdbool.h>

#include "art/canvas.h"
#include "art/frame.h"
#include "art/model.h"

bool art_welcome_is_command_staff(const char *title);
/* The commands the welcome suggests: only ones a user of this level may run. */
const char *art_welcome_suggestion(int level);
void art_welcome(struct canvas *c, const struct art_frame *f, const struct art_login_screen *s);

#endif
