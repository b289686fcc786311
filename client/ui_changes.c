/*
 * ui_changes.c - changing an SCP file from the interactive client: STATUS, the EDIT
 * screen (a section's text in the user's editor, then the reason), and the HISTORY
 * screen (edits and status changes, newest first).  The server decides every refusal;
 * its screens and messages are shown as they come.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/layout.h"
#include "client/editor.h"
#include "client/file_logs.h"
#include "client/ui_state.h"

#define HISTORY_LINES 240   /* two headings and the server's two lists of at most 100 */
#define EDIT_TEXT_MAX 60000 /* the server's limit on a section's text */
#define CTRL(c)       ((c)&0x1f)

/* ---- STATUS -------------------------------------------------------------------------- */

void ui_status_run(struct ui *ui, const char *ref, const char *status, const char *reason)
{
    json_t *req = proto_request("set_status");
    json_object_set_new(req, "ref", json_string(ref));
    json_object_set_new(req, "status", json_string(status));
    if (reason[0] != '\0')
        json_object_set_new(req, "reason", json_string(reason));
    struct proto_reply r;
    if (ui_request(ui, req, &r, NULL, NULL) != 0)
        return;
    if (r.ok) {
        ui->data_version++; /* lists show the status */
        char old[32], new[32];
        layout_upper(old, sizeof(old), proto_str(r.root, "old"));
        layout_upper(new, sizeof(new), proto_str(r.root, "new"));
        ui_set_status(ui, false, "%s: %s -> %s", proto_str(r.root, "ref"), old, new);
    } else if (!ui_notice_open(ui, &r, "clearance_denied") && !ui_notice_open(ui, &r, NULL)) {
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

/* ---- HISTORY ------------------------------------------------------------------------- */

struct history_screen {
    char ref[ART_REF_MAX];
    char *lines[HISTORY_LINES];
    int count;
    int scroll, page;
};

static void history_free(void *state)
{
    struct history_screen *h = state;
    for (int i = 0; i < h->count; i++)
        free(h->lines[i]);
}

static void history_line(struct history_screen *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void history_line(struct history_screen *h, const char *fmt, ...)
{
    if (h->count >= HISTORY_LINES)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    char *copy = strdup(line);
    if (copy != NULL)
        h->lines[h->count++] = copy;
}

static void history_fill(struct history_screen *h, const json_t *root)
{
    size_t i;
    const json_t *row;
    history_line(h, "%s  REVISION %lld", proto_str(root, "ref"),
                 (long long)json_integer_value(json_object_get(root, "revision")));
    history_line(h, "%s", "");
    history_line(h, "EDITS");
    json_array_foreach(json_object_get(root, "edits"), i, row)
        history_line(h, "  %-8lld %.19s  %-16.40s %-12.40s %.200s",
                     (long long)json_integer_value(json_object_get(row, "revision")),
                     proto_str(row, "at"), proto_changer(json_object_get(row, "by")),
                     proto_str(row, "change"), proto_str(row, "reason"));
    if (json_array_size(json_object_get(root, "edits")) == 0)
        history_line(h, "  (none you may see)");
    history_line(h, "%s", "");
    history_line(h, "STATUS CHANGES");
    json_array_foreach(json_object_get(root, "statuses"), i, row)
        history_line(h, "  %.19s  %-16.40s %s -> %s  %.200s", proto_str(row, "at"),
                     proto_changer(json_object_get(row, "by")), proto_str(row, "old"),
                     proto_str(row, "new"), proto_str(row, "reason"));
    if (json_array_size(json_object_get(root, "statuses")) == 0)
        history_line(h, "  (none)");
}

static void history_again(struct ui *ui, void *asker, const char *ref)
{
    ui_history_open(ui, ref);
}

void ui_history_open(struct ui *ui, const char *ref_in)
{
    char ref[ART_REF_MAX];
    snprintf(ref, sizeof(ref), "%s", ref_in); /* ref_in may live in a screen replaced below */
    json_t *req = proto_request("history");
    json_object_set_new(req, "ref", json_string(ref));
    json_object_set_new(req, "limit", json_integer(50));
    struct proto_reply r;
    if (ui_request(ui, req, &r, history_again, ref) != 0)
        return;
    if (r.ok) {
        struct history_screen *h = ui_push(ui, &ui_history_ops);
        if (h != NULL) {
            snprintf(h->ref, sizeof(h->ref), "%s", ref);
            history_fill(h, r.root);
        }
    } else if (!ui_notice_open(ui, &r, NULL)) {
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

static void history_render(struct ui *ui, void *state)
{
    struct history_screen *h = state;
    char location[64];
    snprintf(location, sizeof(location), "HISTORY %s", h->ref);
    struct art_frame f = ui_frame(ui, location, "j/k Space/b g/G scroll  q back");
    struct art_area a = art_frame_draw(&ui->canvas, &f);
    h->page = a.rows - 1;
    int last = h->count - h->page;
    if (h->scroll > last)
        h->scroll = last > 0 ? last : 0;
    for (int i = 0; i < h->page && h->scroll + i < h->count; i++) {
        const char *line = h->lines[h->scroll + i];
        bool heading = line[0] != ' ' && line[0] != '\0';
        canvas_text_fit(&ui->canvas, a.top + 1 + i, a.left + 1, line,
                        heading ? ink_attrs(INK_BOLD) : ink_plain(), a.cols - 2);
    }
}

static bool history_key(struct ui *ui, void *state, struct ui_key k)
{
    struct history_screen *h = state;
    int page = h->page > 1 ? h->page - 1 : 1;
    if (!k.is_key && (k.code == 'q' || k.code == KEY_ESC)) {
        ui_pop(ui);
        return true;
    }
    if ((!k.is_key && k.code == 'j') || (k.is_key && k.code == KEY_DOWN))
        h->scroll++;
    else if ((!k.is_key && k.code == 'k') || (k.is_key && k.code == KEY_UP))
        h->scroll -= h->scroll > 0;
    else if ((!k.is_key && (k.code == ' ' || k.code == CTRL('F'))) ||
             (k.is_key && k.code == KEY_NPAGE))
        h->scroll += page;
    else if ((!k.is_key && (k.code == 'b' || k.code == CTRL('B'))) ||
             (k.is_key && k.code == KEY_PPAGE))
        h->scroll = h->scroll > page ? h->scroll - page : 0;
    else if ((!k.is_key && k.code == 'g') || (k.is_key && k.code == KEY_HOME))
        h->scroll = 0;
    else if ((!k.is_key && k.code == 'G') || (k.is_key && k.code == KEY_END))
        h->scroll = HISTORY_LINES;
    else
        return k.is_key; /* other characters: ':' and '?' */
    return true;
}

const struct ui_screen_ops ui_history_ops =
    UI_SCREEN_OPS("history", UI_SCREEN_COMMANDS | UI_SCREEN_HELP, sizeof(struct history_screen),
                  history_render, history_key, NULL, history_free);

/* ---- the file view's last status changes -------------------------------------------- */

#define FILE_STATUS_ROWS 20 /* the newest; HISTORY (h) has the rest */

int ui_file_add_statuses(struct ui *ui, struct art_file *f)
{
    if (strcmp(f->kind, "scp") != 0)
        return 0;
    json_t *req = proto_request("history");
    json_object_set_new(req, "ref", json_string(f->ref));
    json_object_set_new(req, "limit", json_integer(FILE_STATUS_ROWS));
    struct proto_reply r;
    if (ui_request(ui, req, &r, NULL, NULL) != 0)
        return -1;
    /* Not cleared for the history, or an old server: the file shows without it.  The rows
     * are the server's, filtered for this reader as HISTORY shows them. */
    if (r.ok && file_logs_statuses(r.root, f) != 0)
        ui_set_status(ui, true, "OUT OF MEMORY: THE STATUS HISTORY IS NOT SHOWN");
    proto_reply_free(&r);
    return 0;
}

/* ---- EDIT ---------------------------------------------------------------------------- */

struct edit_screen {
    char ref[ART_REF_MAX];
    char title[128];
    int section; /* 0: a new addendum, of level */
    int level;
    long long base; /* the revision the text was read at */
    size_t old_length;
    char *text; /* the new text, from the editor */
    struct input reason;
    char message[200];
    bool message_ok;
};

static void edit_free(void *state)
{
    struct edit_screen *e = state;
    free(e->text);
}

/* Leave curses for the user's editor; false (and why in message) when it failed. */
static bool run_editor(struct edit_screen *e, const char *text)
{
    char err[256], *out = NULL;
    def_prog_mode();
    endwin();
    int rc = editor_edit(text, EDIT_TEXT_MAX, &out, err, sizeof(err));
    reset_prog_mode();
    clearok(curscr, TRUE);
    if (rc != 0) {
        layout_upper(e->message, sizeof(e->message), err);
        e->message_ok = false;
        return false;
    }
    free(e->text);
    e->text = out;
    e->message[0] = '\0';
    return true;
}

/* The section's whole text, or NULL (and the status set) when it cannot be edited here. */
static char *section_text(struct ui *ui, const struct art_file *f, int n)
{
    if (n < 1 || (size_t)n > f->nsections) {
        ui_set_status(ui, true, "%s HAS NO SECTION %d", f->ref, n);
        return NULL;
    }
    const struct art_section *s = &f->sections[n - 1];
    size_t length = 0;
    for (size_t i = 0; i < s->nparts; i++)
        length += s->parts[i].text != NULL ? strlen(s->parts[i].text) : 0;
    char *text = calloc(1, length + 1);
    for (size_t i = 0; text != NULL && i < s->nparts; i++)
        if (!s->redacted && !s->parts[i].redacted && s->parts[i].text != NULL)
            strcat(text, s->parts[i].text);
    bool cut = s->redacted;
    for (size_t i = 0; i < s->nparts; i++)
        cut |= s->parts[i].redacted;
    if (cut) {
        /* The server would refuse too: nobody overwrites what they could not read. */
        ui_set_status(ui, true, "SECTION %d HOLDS TEXT ABOVE YOUR CLEARANCE: IT CANNOT BE EDITED",
                      n);
        free(text);
        return NULL;
    }
    if (text == NULL)
        ui_set_status(ui, true, "OUT OF MEMORY");
    return text;
}

static void edit_again(struct ui *ui, void *asker, const char *ref)
{
    ui_set_status(ui, true, "RECONNECTED: TYPE THE EDIT COMMAND AGAIN");
}

void ui_edit_open(struct ui *ui, const char *ref, int section, int level, const char *title)
{
    json_t *req = proto_request("read");
    json_object_set_new(req, "ref", json_string(ref));
    struct proto_reply r;
    if (ui_request(ui, req, &r, edit_again, ref) != 0)
        return;
    if (!r.ok) {
        if (!ui_notice_open(ui, &r, NULL))
            ui_show_error(ui, &r);
        proto_reply_free(&r);
        return;
    }
    struct art_file f;
    if (proto_parse_file(r.root, &f) != 0) {
        ui_set_status(ui, true, "THE SERVER'S FILE CANNOT BE READ");
        proto_reply_free(&r);
        return;
    }
    long long base =
        json_integer_value(json_object_get(json_object_get(r.root, "file"), "revision"));
    proto_reply_free(&r);
    char *text = section > 0 ? section_text(ui, &f, section) : strdup("");
    if (text == NULL) {
        art_file_free(&f);
        return;
    }
    struct edit_screen *e = ui_push(ui, &ui_edit_ops);
    if (e != NULL) {
        snprintf(e->ref, sizeof(e->ref), "%s", f.ref);
        snprintf(e->title, sizeof(e->title), "%s",
                 section > 0 ? f.sections[section - 1].title : title);
        e->section = section;
        e->level = level;
        e->base = base;
        e->old_length = strlen(text);
        if (run_editor(e, text))
            snprintf(e->message, sizeof(e->message), "TYPE WHY, THEN ENTER TO SAVE");
        e->message_ok = e->text != NULL;
    }
    free(text);
    art_file_free(&f);
}

static void edit_render(struct ui *ui, void *state)
{
    struct edit_screen *e = state;
    char location[64], line[256];
    snprintf(location, sizeof(location), "EDIT %s", e->ref);
    struct art_frame f =
        ui_frame(ui, location, "Enter save  Ctrl-O edit the text again  Esc back (nothing saved)");
    f.prompt = "REASON: ";
    f.input = e->reason.text;
    f.input_back = input_tail_width(&e->reason);
    struct art_area a = art_frame_draw(&ui->canvas, &f);
    int y = a.top + 1, x = a.left + 2, w = a.cols - 4;
    if (e->section > 0)
        snprintf(line, sizeof(line), "SECTION %d: %s", e->section, e->title);
    else
        snprintf(line, sizeof(line), "NEW ADDENDUM, LEVEL %d: %s", e->level, e->title);
    canvas_text_fit(&ui->canvas, y++, x, line, ink_attrs(INK_BOLD), w);
    snprintf(line, sizeof(line), "BASED ON REVISION %lld", e->base);
    canvas_text_fit(&ui->canvas, y++, x, line, ink_plain(), w);
    snprintf(line, sizeof(line), "NEW TEXT: %zu BYTES (WAS %zu)", e->text ? strlen(e->text) : 0,
             e->old_length);
    canvas_text_fit(&ui->canvas, y++, x, line, ink_plain(), w);
    y++;
    /* The first lines of the new text, as a reminder of what is saved. */
    const char *p = e->text != NULL ? e->text : "";
    for (int i = 0; i < 6 && *p != '\0' && y < a.top + a.rows - 2; i++) {
        size_t n = strcspn(p, "\n");
        snprintf(line, sizeof(line), "%.*s", (int)(n < 200 ? n : 200), p);
        canvas_text_fit(&ui->canvas, y++, x + 2, line, ink_plain(), w - 2);
        p += n + (p[n] == '\n');
    }
    if (e->message[0] != '\0')
        canvas_text_fit(&ui->canvas, a.top + a.rows - 1, x, e->message,
                        e->message_ok ? ink_plain() : ink_attrs(INK_BOLD | INK_REVERSE), w);
}

static void edit_submit(struct ui *ui, struct edit_screen *e)
{
    if (e->text == NULL || e->reason.len == 0) {
        snprintf(e->message, sizeof(e->message),
                 e->text == NULL ? "NO TEXT: CTRL-O TO EDIT IT" : "AN EDIT NEEDS A REASON");
        e->message_ok = false;
        return;
    }
    json_t *req = proto_request("edit");
    json_object_set_new(req, "ref", json_string(e->ref));
    json_object_set_new(req, "base_revision", json_integer(e->base));
    if (e->section > 0) {
        json_object_set_new(req, "section", json_integer(e->section));
        json_object_set_new(req, "text", json_string(e->text));
    } else {
        json_object_set_new(
            req, "addendum",
            json_pack("{s:s, s:i, s:s}", "title", e->title, "level", e->level, "text", e->text));
    }
    json_object_set_new(req, "reason", json_string(e->reason.text));
    struct proto_reply r;
    if (ui_request(ui, req, &r, NULL, NULL) != 0)
        return;
    if (r.ok) {
        char ref[ART_REF_MAX];
        long long revision = json_integer_value(json_object_get(r.root, "revision"));
        char what[32];
        if (e->section > 0)
            snprintf(what, sizeof(what), "SECTION %d", e->section);
        else
            snprintf(what, sizeof(what), "ADDENDUM");
        snprintf(ref, sizeof(ref), "%s", e->ref);
        proto_reply_free(&r);
        ui_pop(ui); /* e is gone from here */
        ui->data_version++;
        ui_file_open(ui, ref);
        ui_set_status(ui, false, "%s %s SAVED AS REVISION %lld", ref, what, revision);
        return;
    }
    if (strcmp(r.code, "conflict") == 0) {
        /* Never a silent overwrite: the text stays here, the user decides. */
        snprintf(e->message, sizeof(e->message),
                 "CONFLICT: %s CHANGED SINCE REVISION %lld (NOW %lld). NOTHING SAVED: "
                 "ESC, THEN EDIT AGAIN",
                 e->ref, e->base,
                 (long long)json_integer_value(json_object_get(r.root, "revision")));
        e->message_ok = false;
    } else if (!ui_notice_open(ui, &r, NULL)) {
        layout_upper(e->message, sizeof(e->message), r.message);
        e->message_ok = false;
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

static bool edit_key(struct ui *ui, void *state, struct ui_key k)
{
    struct edit_screen *e = state;
    if (!k.is_key && k.code == KEY_ESC) {
        ui_pop(ui);
        return true;
    }
    if ((!k.is_key && k.code == '\n') || (k.is_key && k.code == KEY_ENTER)) {
        edit_submit(ui, e);
        return true;
    }
    if ((!k.is_key && k.code == CTRL('O')) || (k.is_key && k.code == KEY_F(4))) {
        char *again = e->text != NULL ? strdup(e->text) : NULL;
        run_editor(e, again);
        free(again);
        return true;
    }
    (void)input_edit(&e->reason, k.is_key, k.code);
    return true; /* typed text is the reason's, ':' and '?' included */
}

const struct ui_screen_ops ui_edit_ops =
    UI_SCREEN_OPS("edit", 0, sizeof(struct edit_screen), edit_render, edit_key, NULL, edit_free);
