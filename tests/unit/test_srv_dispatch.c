/* test_srv_dispatch.c - request validation without a network, and strict UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "server/dispatch.h"
#include "server/utf8.h"

/* The error code dispatch_parse answers for line, or "ok". */
static char *code_for(const char *line, size_t length, char **id_out)
{
    struct parsed_request p;
    json_t *reply = dispatch_parse(line, length, &p);
    if (reply == NULL) {
        if (id_out)
            *id_out = json_dumps(p.id, JSON_ENCODE_ANY);
        json_decref(p.id);
        json_decref(p.args);
        return strdup("ok");
    }
    json_t *code = json_object_get(json_object_get(reply, "error"), "code");
    char *out = strdup(json_string_value(code));
    if (id_out)
        *id_out = json_dumps(json_object_get(reply, "id"), JSON_ENCODE_ANY);
    json_decref(reply);
    return out;
}

static void expect(const char *line, const char *code)
{
    char *got = code_for(line, strlen(line), NULL);
    if (strcmp(got, code) != 0)
        fail_msg("%s: got %s, want %s", line, got, code);
    free(got);
}

static void good_requests_parse(void **state)
{
    (void)state;
    expect("{\"op\":\"hello\"}", "ok");
    expect("{\"id\":7,\"op\":\"read\",\"token\":\"x\",\"ref\":\"SCP-002\"}", "ok");
    expect("{\"id\":\"abc\",\"op\":\"health\"}", "ok");
}

static void bad_requests_get_bad_request(void **state)
{
    (void)state;
    expect("{", "bad_request");
    expect("[]", "bad_request");
    expect("42", "bad_request");
    expect("{\"op\":1}", "bad_request");
    expect("{\"id\":1}", "bad_request");
    expect("{\"op\":\"hello\",\"id\":{}}", "bad_request");
    expect("{\"op\":\"hello\",\"id\":[1]}", "bad_request");
    expect("{\"op\":\"read\",\"token\":5}", "bad_request");
    expect("{\"op\":\"hello\",\"op\":\"hello\"}", "bad_request");
    expect("{\"op\":\"hello\"} trailing", "bad_request");
    expect("{\"op\":\"h\\u0000ello\"}", "bad_request");
    expect("{\"op\":\"\\ud800\"}", "bad_request");
    expect("{\"op\":\"\xc0\xaf\"}", "bad_request");
    expect("{\"op\":\"\xed\xa0\x80\"}", "bad_request");
    expect("{\"op\":\"\xf4\x90\x80\x80\"}", "bad_request");
    char nul[] = "{\"op\":\"hello\"}\0";
    char *got = code_for(nul, sizeof(nul) - 1, NULL);
    assert_string_equal(got, "bad_request");
    free(got);
}

static void unknown_op_keeps_the_id(void **state)
{
    (void)state;
    char *id = NULL;
    const char *line = "{\"id\":\"q1\",\"op\":\"drop_tables\"}";
    char *got = code_for(line, strlen(line), &id);
    assert_string_equal(got, "unknown_op");
    assert_string_equal(id, "\"q1\"");
    free(got);
    free(id);
    line = "{\"id\":2.5,\"op\":1}";
    got = code_for(line, strlen(line), &id);
    assert_string_equal(got, "bad_request");
    assert_string_equal(id, "2.5");
    free(got);
    free(id);
}

static void utf8_is_strict(void **state)
{
    (void)state;
    assert_true(utf8_valid("plain", 5));
    assert_true(utf8_valid("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9)); /* é € 😀 */
    assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));                     /* U+10FFFF */
    assert_false(utf8_valid("\xc0\x80", 2));                            /* overlong NUL */
    assert_false(utf8_valid("\xe0\x80\xaf", 3));                        /* overlong / */
    assert_false(utf8_valid("\xf0\x80\x80\xaf", 4));                    /* overlong / */
    assert_false(utf8_valid("\xed\xa0\x80", 3));                        /* surrogate */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4));                    /* > U+10FFFF */
    assert_false(utf8_valid("\x80", 1));                                /* lone continuation */
    assert_false(utf8_valid("\xe2\x82", 2));                            /* truncated */
    assert_false(utf8_valid("\xff", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_requests_parse),
        cmocka_unit_test(bad_requests_get_bad_request),
        cmocka_unit_test(unknown_op_keeps_the_id),
        cmocka_unit_test(utf8_is_strict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
