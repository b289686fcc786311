/*
 * ui_create.c - forms for new files.  A form the user's clearance cannot submit is not
 * opened (the numbers are the server's, client/forms.c), but the server alone decides.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/layout.h"
#include "client/editor.h"
#include "client/forms.h"
#include "client/ui_state.h"

/* Ctrl-O, or F4: open a long field in $VISUAL/$EDITOR for paragraphs. */
#define FORM_EDITOR_KEY 0x0f

struct create {
    const struct form_kind *def;
    struct input values[FORM_FIELDS];
    char *long_text[FORM_FIELDS]; /* FORM_LONG and FORM_SECTION fields, from the editor */
    int focus;
    char message[300];
    bool message_ok;
};

static bool is_long(const struct form_field *d)
{
    return d->type == FORM_LONG || d->type == FORM_SECTION;
}

static void clear_values(struct create *c)
{
    /* A personnel form holds a password. */
    for (size_t i = 0; i < FORM_FIELDS; i++) {
        input_clear(&c->values[i]);
        free(c->long_text[i]);
        c->long_text[i] = NULL;
    }
}

static void free_create(void *state)
{
    clear_values(state);
}

void ui_create_open(struct ui *ui, const char *kind)
{
    const struct form_kind *def = form_kind_find(kind);
    char why[160];
    if (def == NULL)
        return;
    /* Said up front, not after the user filled the form in. */
    if (form_refusal(def, ui->user.clearance.level, why, sizeof(why)) != NULL) {
        ui_set_status(ui, true, "%s", why);
        return;
    }
    struct create *c = ui_push(ui, &ui_create_ops);
    if (c != NULL)
        c->def = def;
}

static const char *value_of(const struct create *c, size_t i)
{
    return is_long(&c->def->fields[i]) ? c->long_text[i] : c->values[i].text;
}

/* Send the form (again, after a reconnect: c is then the asker, as it was filled in). */
static void submit(struct ui *ui, void *state, const char *arg)
{
    struct create *c = state;
    if (c == NULL)
        return;
    const struct form_kind *def = c->def;
    const char *values[FORM_FIELDS] = {0};
    for (size_t i = 0; i < def->count; i++) {
        values[i] = value_of(c, i);
        if (def->fields[i].required && (values[i] == NULL || values[i][0] == '\0')) {
            char label[64];
            layout_upper(label, sizeof(label), def->fields[i].label);
            snprintf(c->message, sizeof(c->message), "%s IS REQUIRED", label);
            c->message_ok = false;
            c->focus = (int)i;
            return;
        }
    }
    struct proto_reply r;
    if (ui_request(ui, form_request(def, values), &r, submit, NULL) != 0)
        return;
    if (r.ok) {
        char ref[ART_REF_MAX] = "";
        proto_parse_created(r.root, ref, sizeof(ref));
        /* A new, empty form: Enter again makes nothing twice. */
        clear_values(c);
        c->focus = 0;
        snprintf(c->message, sizeof(c->message), "FILE CREATED: %s  (ACCESS %s to open it)", ref,
                 ref);
        c->message_ok = true;
    } else if (ui_notice_open(ui, &r, "clearance_denied")) {
        c->message[0] = '\0'; /* c is below the notice, still there */
    } else {
        /* The server's sentence in the form's own voice: capitals, no protocol code. */
        char said[sizeof(r.message)];
        layout_upper(said, sizeof(said), r.message[0] ? r.message : r.code);
        snprintf(c->message, sizeof(c->message), "NOT CREATED: %s", said);
        c->message_ok = false;
    }
    proto_reply_free(&r);
}

/* Leave curses for the user's editor and come back to a screen drawn afresh. */
static void edit_long(struct ui *ui, struct create *c, int i)
{
    char err[256], *text = NULL;
    def_prog_mode();
    endwin();
    int rc = editor_edit(c->long_text[i], FORM_LONG_MAX, &text, err, sizeof(err));
    reset_prog_mode();
    clearok(curscr, TRUE);
    if (rc != 0) {
        char loud[sizeof(err)];
        layout_upper(loud, sizeof(loud), err);
        snprintf(c->message, sizeof(c->message), "%s", loud);
        c->message_ok = false;
        return;
    }
    free(c->long_text[i]);
    c->long_text[i] = text;
    c->message[0] = '\0';
    c->focus++;
}

/* Typing in a long field: the text grows on the heap, up to FORM_LONG_MAX. */
static void long_add(struct create *c, int i, wchar_t ch)
{
    char buf[8];
    if (ch < 0x20 || ch == 0x7f || (ch >= 0x80 && ch < 0xa0))
        return;
    size_t n = layout_utf8_encode(ch, buf), len = c->long_text[i] ? strlen(c->long_text[i]) : 0;
    if (len + n > FORM_LONG_MAX)
        return;
    char *grown = realloc(c->long_text[i], len + n + 1);
    if (grown == NULL)
        return;
    memcpy(grown + len, buf, n);
    grown[len + n] = '\0';
    c->long_text[i] = grown;
}

static void long_backspace(struct create *c, int i)
{
    char *t = c->long_text[i];
    size_t len = t ? strlen(t) : 0;
    while (len > 0 && ((unsigned char)t[--len] & 0xC0) == 0x80)
        ;
    if (t != NULL)
        t[len] = '\0';
}

/* A long text in one line of the form: its first line and how many more there are. */
static void long_summary(const char *text, char *buf, size_t size)
{
    if (text == NULL || text[0] == '\0') {
        buf[0] = '\0';
        return;
    }
    size_t first = strcspn(text, "\n");
    int more = 0;
    for (const char *p = text + first; *p; p++)
        more += *p == '\n';
    if (more > 0)
        snprintf(buf, size, "%.*s (+%d line%s)", (int)(first < 200 ? first : 200), text, more,
                 more == 1 ? "" : "s");
    else
        snprintf(buf, size, "%s", text);
}

static void render(struct ui *ui, void *state)
{
    struct create *c = state;
    const struct form_kind *def = c->def;
    struct art_form_field fields[FORM_FIELDS];
    char summary[FORM_FIELDS][256];
    for (size_t i = 0; i < def->count; i++) {
        const struct form_field *d = &def->fields[i];
        fields[i].label = d->label;
        fields[i].value = c->values[i].text;
        if (is_long(d)) {
            long_summary(c->long_text[i], summary[i], sizeof(summary[i]));
            fields[i].value = summary[i];
        }
        fields[i].hint = d->hint;
        fields[i].secret = d->type == FORM_SECRET;
        fields[i].required = d->required;
        /* A secret shows a '*' a byte; a long field is typed at its end. */
        fields[i].back = is_long(d)         ? 0
                         : fields[i].secret ? (int)(c->values[i].len - c->values[i].pos)
                                            : input_tail_width(&c->values[i]);
    }
    struct art_form form = {def->title,
                            def->notice,
                            fields,
                            def->count,
                            c->focus,
                            c->message[0] ? c->message : NULL,
                            c->message_ok ? ink_hex("#009F6B", INK_BOLD)
                                          : ink_hex("#C40233", INK_BOLD)};
    struct art_frame f =
        ui_frame(ui, "NEW FILE", "Tab/Up/Down move  Enter next/submit  ^O editor  Esc back");
    f.prompt = NULL;
    art_create_form(&ui->canvas, &f, &form);
}

/* A long field is typed at its end only; its editing is in $VISUAL (Ctrl-O). */
static void long_key(struct create *c, struct ui_key k)
{
    bool backspace =
        (k.is_key && k.code == KEY_BACKSPACE) || (!k.is_key && (k.code == 127 || k.code == 8));
    if (backspace)
        long_backspace(c, c->focus);
    else if (!k.is_key)
        long_add(c, c->focus, (wchar_t)k.code);
}

/* Every key is the form's: it types text, so ':' and '?' are letters here. */
static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct create *c = state;
    int last = (int)c->def->count; /* the SUBMIT button */
    bool on_long = c->focus < last && is_long(&c->def->fields[c->focus]);
    struct input *field = c->focus < last && !on_long ? &c->values[c->focus] : NULL;
    if (on_long && ((!k.is_key && k.code == FORM_EDITOR_KEY) || (k.is_key && k.code == KEY_F(4)))) {
        edit_long(ui, c, c->focus);
        return true;
    }
    if (k.is_key && (k.code == KEY_UP || k.code == KEY_BTAB)) {
        c->focus = c->focus > 0 ? c->focus - 1 : last;
    } else if (k.is_key && k.code == KEY_DOWN) {
        c->focus = c->focus < last ? c->focus + 1 : 0;
    } else if ((k.is_key && k.code == KEY_ENTER) || (!k.is_key && k.code == '\n')) {
        if (c->focus == last)
            submit(ui, c, NULL);
        else
            c->focus++;
    } else if (!k.is_key && k.code == KEY_ESC) {
        ui_pop(ui);
    } else if (!k.is_key && k.code == '\t') {
        c->focus = c->focus < last ? c->focus + 1 : 0;
    } else if (field != NULL) {
        input_edit(field, k.is_key, k.code); /* the keys of every typed line */
    } else if (on_long) {
        long_key(c, k);
    } else if (!k.is_key && k.code == 'q') {
        ui_pop(ui);
    }
    return true;
}

/* No flags: the form takes every key, ':' and '?' included. */
const struct ui_screen_ops ui_create_ops =
    UI_SCREEN_OPS("create", 0, sizeof(struct create), render, key, NULL, free_create);
