/*
 * test_srv_oom.c - the out-of-memory policy (server/shapes.h): a reply is built whole
 * or not at all.  jansson's allocator is made to fail at its first, second, ... call
 * while a file is rendered and a reply is made; each result must be NULL (or a failure
 * reply) or exactly the one made with memory to spare, never a file with fields missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "server/file_view.h"
#include "server/request.h"

static long allocs_left = -1; /* -1: no failures */

static void *failing_malloc(size_t n)
{
    if (allocs_left == 0)
        return NULL;
    if (allocs_left > 0)
        allocs_left--;
    return malloc(n);
}

static void use_failing_allocator(void)
{
    json_set_alloc_funcs(failing_malloc, free);
}

static struct deepwell_section sections[] = {
    {1, "containment", "Special Containment Procedures", 0, 2,
     "Kept in [[L4]]a locked[[/L4]] room."},
    {2, "description", "Description", 1, 2, "A plain description of the object."},
};

static void fill_scp(struct file_view *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = REF_SCP;
    v->level = 2;
    v->scp = (struct deepwell_scp){
        .id = 7,
        .number = 173,
        .title = "The Sculpture",
        .level = 2,
        .containment = "Euclid",
        .secondary = "",
        .disruption = "Dark",
        .risk = "Notice",
        .status = "active",
        .site_id = 19,
        .site_name = "Site-19",
        .task_force_id = 6,
        .task_force_name = "Epsilon-6",
        .revision = 3,
        .nsections = 2,
        .sections = sections,
    };
    v->task_force_level = 3;
}

static void fill_site(struct file_view *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = REF_SITE;
    v->level = 3;
    v->site = (struct deepwell_site){
        19, "Site-19", 3, 4, "Dr. Director", "Somewhere", "The largest site.", "A dossier."};
    v->person_level = 4;
}

static void fill_mtf(struct file_view *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = REF_MTF;
    v->level = 2;
    v->mtf = (struct deepwell_mtf){6,  "Epsilon-6", "Village Idiots", 2,   5, "Leader",
                                   19, "Site-19",   "Find things.",   true};
    v->person_level = 3;
}

static void fill_user(struct file_view *v)
{
    memset(v, 0, sizeof(*v));
    v->kind = REF_USER;
    v->level = 2;
    v->user.id = 5;
    v->user.clearance = 2;
    snprintf(v->user.name, sizeof(v->user.name), "agent");
    snprintf(v->user.title, sizeof(v->user.title), "Field Agent");
    v->user.site_id = 19;
    v->user.personnel_active = true;
}

static void render_is_whole_or_nothing(void (*fill)(struct file_view *), const char *ref)
{
    struct file_view view;
    fill(&view);
    struct reader r = {3, 19, 0};
    allocs_left = -1;
    json_t *whole = file_view_json(&view, &r, ref);
    assert_non_null(whole);
    int partial = 0, failed = 0;
    for (long n = 0;; n++) {
        allocs_left = n;
        json_t *got = file_view_json(&view, &r, ref);
        bool ran_out = allocs_left == 0;
        allocs_left = -1;
        if (got == NULL) {
            failed++;
        } else if (!json_equal(got, whole)) {
            char *text = json_dumps(got, JSON_COMPACT);
            print_message("%s, allocation %ld failing: %s\n", ref, n, text);
            free(text);
            partial++;
        }
        json_decref(got);
        if (!ran_out)
            break; /* every allocation succeeded: all failure points were tried */
    }
    assert_true(failed > 0);
    assert_int_equal(partial, 0);
    json_decref(whole);
}

static void files_render_whole_or_not_at_all(void **state)
{
    (void)state;
    render_is_whole_or_nothing(fill_scp, "SCP-173");
    render_is_whole_or_nothing(fill_site, "SITE-19");
    render_is_whole_or_nothing(fill_mtf, "MTF-6");
    render_is_whole_or_nothing(fill_user, "USER-5");
}

/* A reply whose body could not be built is a failure, never a bare {"ok":true}. */
static void an_unbuilt_body_is_an_internal_failure(void **state)
{
    (void)state;
    struct request *req = request_new(NULL, NULL, 1);
    assert_non_null(req);
    request_ok(req, NULL);
    json_t *error = json_object_get(req->reply, "error");
    assert_false(json_is_true(json_object_get(req->reply, "ok")));
    assert_string_equal(json_string_value(json_object_get(error, "code")), "internal");
    request_ok(req, json_object());
    assert_true(json_is_true(json_object_get(req->reply, "ok")));
    request_fail_with(req, "rate_limited", "wait", "retry_after", NULL);
    error = json_object_get(req->reply, "error");
    assert_string_equal(json_string_value(json_object_get(error, "code")), "internal");
    request_free(req);
}

int main(void)
{
    use_failing_allocator();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(files_render_whole_or_not_at_all),
        cmocka_unit_test(an_unbuilt_body_is_an_internal_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
