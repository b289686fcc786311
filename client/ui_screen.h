/*
 * ui_screen.h - what a screen of the interactive client is: its state and the four
 * operations the loop calls on it (after tmux's window_mode).  Screens lie on a
 * bounded stack; the top one is drawn and gets the keys, popping it shows the one
 * below as it was left.  Adding a screen is one ui_*.c: its state, its ops, an open
 * function that pushes them.
 */
#ifndef SCIPNET_CLIENT_UI_SCREEN_H
#define SCIPNET_CLIENT_UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#define UI_STACK 16 /* screens kept for "back"; pushing more forgets the oldest */
#define KEY_ESC  27 /* curses has no name for the Escape character */

struct ui;

/* A key: a character (is_key false) or a KEY_* code. */
struct ui_key {
    bool is_key;
    wint_t code;
};

enum ui_screen_flags {
    UI_SCREEN_COMMANDS = 1 << 0, /* logged in: ':' opens the command line */
    UI_SCREEN_HELP = 1 << 1,     /* logged in: '?' opens the help */
    UI_SCREEN_PROMPT = 1 << 2,   /* the command prompt is always open (the welcome) */
    UI_SCREEN_STACKS = 1 << 3,   /* one of its kind on top is kept below, not replaced (files) */
};

struct ui_screen_ops {
    const char *name;  /* for tests and debugging */
    unsigned flags;    /* enum ui_screen_flags */
    size_t state_size; /* the stack allocates the state, zeroed, and frees it */
    void (*render)(struct ui *ui, void *state);
    /* Returns true when the key was used; the rest may open the command line or help. */
    bool (*key)(struct ui *ui, void *state, struct ui_key k);
    void (*resize)(struct ui *ui, void *state); /* NULL: drawing again is enough */
    void (*free)(void *state); /* NULL, or releases what state holds, not state itself */
};

/* A screen's ops, every field named in order (NULL or 0 for none). */
#define UI_SCREEN_OPS(name_, flags_, state_size_, render_, key_, resize_, free_)                   \
    {                                                                                              \
        .name = name_, .flags = flags_, .state_size = state_size_, .render = render_, .key = key_, \
        .resize = resize_, .free = free_                                                           \
    }

struct ui_screen {
    const struct ui_screen_ops *ops;
    void *state; /* never NULL */
};

struct ui_stack {
    struct ui_screen screens[UI_STACK];
    int depth;
};

/*
 * Push a screen of kind ops and return its zeroed state for the caller to fill, or
 * NULL when out of memory (the stack is unchanged).  The same kind of screen on top
 * is replaced, not stacked again (unless UI_SCREEN_STACKS); a full stack forgets its
 * bottom screen.
 */
void *ui_stack_push(struct ui_stack *s, const struct ui_screen_ops *ops);
/* Forget every screen and push this one alone; NULL (stack unchanged) when out of memory. */
void *ui_stack_reset(struct ui_stack *s, const struct ui_screen_ops *ops);
/* Free the top screen.  The bottom one stays: there is always something to show. */
void ui_stack_pop(struct ui_stack *s);
/* Free every screen. */
void ui_stack_clear(struct ui_stack *s);
/* The top screen, or NULL when the stack is empty. */
const struct ui_screen *ui_stack_top(const struct ui_stack *s);
/* The top screen's state when it is of kind ops, else NULL. */
void *ui_stack_top_state(const struct ui_stack *s, const struct ui_screen_ops *ops);

#endif
