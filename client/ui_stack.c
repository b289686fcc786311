/* ui_stack.c - the client's screens, newest on top; no terminal code here. */
#include "client/ui_screen.h"

#include <stdlib.h>
#include <string.h>

static void *new_state(const struct ui_screen_ops *ops)
{
    /* A screen without state still gets a unique pointer: NULL means out of memory. */
    return calloc(1, ops->state_size > 0 ? ops->state_size : 1);
}

static void release(struct ui_screen *sc)
{
    if (sc->ops->free != NULL)
        sc->ops->free(sc->state);
    free(sc->state);
    sc->ops = NULL;
    sc->state = NULL;
}

static void put(struct ui_stack *s, const struct ui_screen_ops *ops, void *state)
{
    if (s->depth > 0 && s->screens[s->depth - 1].ops == ops && !(ops->flags & UI_SCREEN_STACKS))
        release(&s->screens[--s->depth]);
    if (s->depth == UI_STACK) {
        release(&s->screens[0]);
        memmove(s->screens, s->screens + 1, sizeof(s->screens[0]) * (UI_STACK - 1));
        s->depth--;
    }
    s->screens[s->depth++] = (struct ui_screen){ops, state};
}

void *ui_stack_push(struct ui_stack *s, const struct ui_screen_ops *ops)
{
    void *state = new_state(ops);
    if (state != NULL)
        put(s, ops, state);
    return state;
}

void *ui_stack_reset(struct ui_stack *s, const struct ui_screen_ops *ops)
{
    void *state = new_state(ops);
    if (state != NULL) {
        ui_stack_clear(s);
        put(s, ops, state);
    }
    return state;
}

void ui_stack_pop(struct ui_stack *s)
{
    if (s->depth > 1)
        release(&s->screens[--s->depth]);
}

void ui_stack_clear(struct ui_stack *s)
{
    while (s->depth > 0)
        release(&s->screens[--s->depth]);
}

const struct ui_screen *ui_stack_top(const struct ui_stack *s)
{
    return s->depth > 0 ? &s->screens[s->depth - 1] : NULL;
}

void *ui_stack_top_state(const struct ui_stack *s, const struct ui_screen_ops *ops)
{
    const struct ui_screen *top = ui_stack_top(s);
    return top != NULL && top->ops == ops ? top->state : NULL;
}
