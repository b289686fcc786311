/*
 * ui_staff.c - the staff's tables: WHO (who is online; K ends the selected session) and
 * AUDIT (the audit log; f filters, n/p page), and REVOKE, which runs at once and says in
 * the status line what it ended.  The server decides what each reader is shown.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/frame.h"
#include "art/layout.h"
#include "client/ui_state.h"

#define STAFF_ROWS  200 /* rows of one page: the sessions op's largest */
#define AUDIT_PAGE  100
#define STAFF_LINE  320 /* the longest formatted row fits: cut only by the precisions */
#define AUDIT_BACKS 64  /* earlier pages p goes back to; older ones start from the newest */

struct table {
    bool audit; /* else WHO */
    struct input filter;
    bool typing; /* the filter line has the keys */
    long long offset;
    long long before, next; /* AUDIT: this page's "before" (0: the newest), the next's */
    long long backs[AUDIT_BACKS];
    int nbacks;
    int count, selected, scroll;
    long long ids[STAFF_ROWS]; /* WHO: each row's session */
    char lines[STAFF_ROWS][STAFF_LINE];
    char message[200];
};

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s != NULL ? s : "";
}

static void who_line(struct table *t, json_t *row)
{
    t->ids[t->count] = (long long)json_integer_value(json_object_get(row, "id"));
    snprintf(
        t->lines[t->count], STAFF_LINE, "%s%-7lld %-20.40s %-3lld %-22.40s %-24.30s %.30s",
        json_is_true(json_object_get(row, "current")) ? "*" : " ", t->ids[t->count],
        str(json_object_get(row, "user"), "name"),
        (long long)json_integer_value(json_object_get(json_object_get(row, "clearance"), "level")),
        str(row, "client"), str(row, "since"), str(row, "last_seen"));
}

static void audit_line(struct table *t, json_t *row)
{
    char actor[80];
    if (json_is_string(json_object_get(row, "user")))
        snprintf(actor, sizeof(actor), "%.70s", str(row, "user"));
    else if (json_is_string(json_object_get(row, "attempted_name")))
        snprintf(actor, sizeof(actor), "?%.70s", str(row, "attempted_name"));
    else
        snprintf(actor, sizeof(actor), "-");
    char *details = json_dumps(json_object_get(row, "details"), JSON_COMPACT | JSON_SORT_KEYS);
    snprintf(t->lines[t->count], STAFF_LINE, "%-7lld %-24.30s %-16.40s %-12.30s %-8.10s %.120s",
             (long long)json_integer_value(json_object_get(row, "id")), str(row, "ts"), actor,
             str(row, "action"), str(row, "outcome"), details ? details : "{}");
    free(details);
}

/* AUDIT's filter words into req; false (message set) on a word it does not know. */
static bool audit_filters(struct table *t, json_t *req)
{
    static const char *const keys[] = {"user", "action", "outcome", "since", "until"};
    char buf[INPUT_MAX];
    snprintf(buf, sizeof(buf), "%s", t->filter.text);
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w != NULL;
         w = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(w, '=');
        size_t i = 0;
        for (char *c = w; eq != NULL && c < eq; c++)
            *c = (char)tolower((unsigned char)*c);
        while (eq != NULL && i < 5 &&
               (strlen(keys[i]) != (size_t)(eq - w) || strncmp(w, keys[i], (size_t)(eq - w)) != 0))
            i++;
        if (eq == NULL || i == 5) {
            snprintf(t->message, sizeof(t->message),
                     "FILTERS ARE USER= ACTION= OUTCOME= SINCE= UNTIL=, NOT %.60s", w);
            return false;
        }
        json_object_set_new(req, keys[i], json_string(eq + 1));
    }
    return true;
}

static void fetch(struct ui *ui, void *state, const char *arg)
{
    struct table *t = state;
    (void)arg;
    if (t == NULL)
        return;
    json_t *req = proto_request(t->audit ? "audit" : "sessions");
    if (t->audit) {
        /* A page is what the window shows (the frame and the table's head take 8 rows). */
        int rows = ui->canvas.rows - 8;
        json_object_set_new(req, "limit",
                            json_integer(rows < 5            ? 5
                                         : rows > AUDIT_PAGE ? AUDIT_PAGE
                                                             : rows));
        if (t->before > 0)
            json_object_set_new(req, "before", json_integer(t->before));
        if (!audit_filters(t, req)) {
            json_decref(req);
            return;
        }
    } else {
        json_object_set_new(req, "limit", json_integer(STAFF_ROWS));
        json_object_set_new(req, "offset", json_integer(t->offset));
        if (t->filter.len > 0)
            json_object_set_new(req, "user", json_string(t->filter.text));
    }
    struct proto_reply r;
    if (ui_request(ui, req, &r, fetch, NULL) != 0)
        return;
    t->message[0] = '\0';
    t->count = 0;
    t->next = 0;
    if (!r.ok) {
        snprintf(t->message, sizeof(t->message), "%.40s: %.150s", r.code, r.message);
    } else {
        json_t *rows = json_object_get(r.root, t->audit ? "rows" : "sessions"), *row;
        size_t i;
        json_array_foreach(rows, i, row)
        {
            if (t->count == STAFF_ROWS)
                break;
            if (t->audit)
                audit_line(t, row);
            else
                who_line(t, row);
            t->count++;
        }
        json_t *next = json_object_get(r.root, "next");
        t->next = json_is_integer(next) ? (long long)json_integer_value(next) : 0;
        if (t->count == 0)
            snprintf(t->message, sizeof(t->message), "NOTHING TO SHOW");
    }
    if (t->selected >= t->count)
        t->selected = t->count > 0 ? t->count - 1 : 0;
    proto_reply_free(&r);
}

static void open_table(struct ui *ui, const struct ui_screen_ops *ops, bool audit,
                       const char *filter)
{
    struct table *t = ui_push(ui, ops);
    if (t == NULL)
        return;
    t->audit = audit;
    input_set(&t->filter, filter != NULL ? filter : "");
    fetch(ui, t, NULL);
}

void ui_who_open(struct ui *ui, const char *user)
{
    open_table(ui, &ui_who_ops, false, user);
}

void ui_audit_open(struct ui *ui, const char *filters)
{
    open_table(ui, &ui_audit_ops, true, filters);
}

static void render(struct ui *ui, void *state)
{
    struct table *t = state;
    const char *keys = t->typing ? "type the filter  Enter apply  Esc cancel"
                       : t->audit
                           ? "Up/Down move  n/p page  f filter  r refresh  q back"
                           : "Up/Down move  K end session  f user  n/p page  r refresh  q back";
    struct art_frame f = ui_frame(ui, t->audit ? "AUDIT LOG" : "WHO IS ONLINE", keys);
    struct art_area a = art_frame_draw(&ui->canvas, &f);
    char line[INPUT_MAX + 16];
    snprintf(line, sizeof(line), "%s %s", t->audit ? "FILTER:" : "USER:",
             t->filter.len ? t->filter.text : (t->typing ? "" : "(all)"));
    canvas_text_fit(&ui->canvas, a.top, a.left, line,
                    t->typing ? ink_attrs(INK_REVERSE) : ink_plain(), a.cols);
    const char *head =
        t->audit ? "ID      TIME                     USER             ACTION       OUTCOME  DETAILS"
                 : " SESSION USER                 LVL CLIENT                 SINCE                 "
                   "   LAST SEEN";
    canvas_text_fit(&ui->canvas, a.top + 1, a.left, head, ink_attrs(INK_BOLD), a.cols);
    int shown = a.rows - 3;
    if (shown < 1)
        shown = 1;
    if (t->selected < t->scroll)
        t->scroll = t->selected;
    if (t->selected >= t->scroll + shown)
        t->scroll = t->selected - shown + 1;
    for (int i = 0; i < shown && t->scroll + i < t->count; i++) {
        int row = t->scroll + i;
        struct ink ink = row == t->selected ? ink_attrs(INK_REVERSE) : ink_plain();
        if (row == t->selected)
            canvas_paint(&ui->canvas, a.top + 2 + i, a.left, a.cols, ink);
        canvas_text_fit(&ui->canvas, a.top + 2 + i, a.left, t->lines[row], ink, a.cols);
    }
    if (t->message[0])
        canvas_text_fit(&ui->canvas, a.top + a.rows - 1, a.left, t->message, ink_attrs(INK_BOLD),
                        a.cols);
}

static void page(struct ui *ui, struct table *t, int direction)
{
    if (!t->audit) {
        long long to = direction > 0 ? t->offset + STAFF_ROWS : t->offset - STAFF_ROWS;
        if ((direction > 0 && t->next == 0) || to < 0)
            return;
        t->offset = to;
    } else if (direction > 0) {
        if (t->next == 0)
            return;
        if (t->nbacks == AUDIT_BACKS) { /* forget the oldest */
            memmove(t->backs, t->backs + 1, sizeof(t->backs) - sizeof(t->backs[0]));
            t->nbacks--;
        }
        t->backs[t->nbacks++] = t->before;
        t->before = t->next;
    } else {
        if (t->nbacks == 0)
            return;
        t->before = t->backs[--t->nbacks];
    }
    t->selected = t->scroll = 0;
    fetch(ui, t, NULL);
}

void ui_revoke(struct ui *ui, const char *target)
{
    json_t *req = proto_request("revoke");
    char *end = NULL;
    long long id = target[0] >= '1' && target[0] <= '9' ? strtoll(target, &end, 10) : 0;
    if (id > 0 && end != NULL && *end == '\0')
        json_object_set_new(req, "session", json_integer(id));
    else
        json_object_set_new(req, "user", json_string(target));
    struct proto_reply r;
    if (ui_request(ui, req, &r, NULL, NULL) != 0)
        return;
    if (r.ok) {
        long long ended = (long long)json_integer_value(json_object_get(r.root, "ended"));
        ui_set_status(ui, false, "%lld SESSION%s ENDED", ended, ended == 1 ? "" : "S");
        struct table *t = ui_top_state(ui, &ui_who_ops);
        if (t != NULL)
            fetch(ui, t, NULL);
    } else if (!ui_notice_open(ui, &r, "clearance_denied")) {
        ui_show_error(ui, &r);
    }
    proto_reply_free(&r);
}

static void typing_key(struct ui *ui, struct table *t, struct ui_key k)
{
    bool enter = k.is_key ? k.code == KEY_ENTER : k.code == '\n';
    if (enter) {
        t->typing = false;
        t->offset = t->before = 0;
        t->nbacks = t->selected = t->scroll = 0;
        fetch(ui, t, NULL);
    } else if (!k.is_key && k.code == KEY_ESC) {
        t->typing = false;
    } else {
        (void)input_edit(&t->filter, k.is_key, k.code);
    }
}

static bool key(struct ui *ui, void *state, struct ui_key k)
{
    struct table *t = state;
    if (t->typing) {
        typing_key(ui, t, k);
        return true;
    }
    if (k.is_key) {
        if (k.code == KEY_UP && t->selected > 0)
            t->selected--;
        else if (k.code == KEY_DOWN && t->selected + 1 < t->count)
            t->selected++;
        else if (k.code == KEY_NPAGE)
            page(ui, t, 1);
        else if (k.code == KEY_PPAGE)
            page(ui, t, -1);
        return true;
    }
    if (k.code == 'j' && t->selected + 1 < t->count) {
        t->selected++;
    } else if (k.code == 'k' && t->selected > 0) {
        t->selected--;
    } else if (k.code == 'n' || k.code == ' ') {
        page(ui, t, 1);
    } else if (k.code == 'p') {
        page(ui, t, -1);
    } else if (k.code == 'f' || k.code == '/') {
        t->typing = true;
    } else if (k.code == 'r') {
        fetch(ui, t, NULL);
    } else if (k.code == 'K' && !t->audit && t->selected < t->count) {
        char id[24];
        snprintf(id, sizeof(id), "%lld", t->ids[t->selected]);
        ui_revoke(ui, id);
    } else if (k.code == 'q' || k.code == KEY_ESC) {
        ui_pop(ui);
    } else {
        return false;
    }
    return true;
}

static void resized(struct ui *ui, void *state)
{
    (void)ui;
    (void)state; /* the page stays; drawing again scrolls to the selected row */
}

#define TABLE_FLAGS (UI_SCREEN_COMMANDS | UI_SCREEN_HELP)
const struct ui_screen_ops ui_who_ops =
    UI_SCREEN_OPS("who", TABLE_FLAGS, sizeof(struct table), render, key, resized, NULL);
const struct ui_screen_ops ui_audit_ops =
    UI_SCREEN_OPS("audit", TABLE_FLAGS, sizeof(struct table), render, key, resized, NULL);
