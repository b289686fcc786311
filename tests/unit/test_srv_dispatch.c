/* test_srv_dispatch.c - request validation without a network, and strict UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "server/dispatch.h"
#include "server/ops.h"
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

/* The pool a line's first stage runs on, as conn.c asks for it. */
static enum op_pool pool_of(const char *line)
{
    struct parsed_request p;
    json_t *reply = dispatch_parse(line, strlen(line), &p);
    assert_null(reply);
    enum op_pool pool = dispatch_pool(&p);
    json_decref(p.id);
    json_decref(p.args);
    return pool;
}

/* Each op's entry says where it runs: no special case in dispatch.c. */
static void the_op_table_says_where_an_op_runs(void **state)
{
    (void)state;
    assert_int_equal(pool_of("{\"op\":\"hello\"}"), OP_INLINE);
    assert_int_equal(pool_of("{\"op\":\"read\"}"), OP_STORE);
    /* Searches on workers of their own: no read waits behind one (server.c, search_q). */
    assert_int_equal(pool_of("{\"op\":\"search\"}"), OP_SEARCH);
    /* Only creating a user hashes a password. */
    assert_int_equal(pool_of("{\"op\":\"create\",\"kind\":\"user\"}"), OP_HASH);
    assert_int_equal(pool_of("{\"op\":\"create\",\"kind\":\"scp\"}"), OP_STORE);
    assert_int_equal(pool_of("{\"op\":\"create\",\"kind\":7}"), OP_STORE);
    assert_int_equal(pool_of("{\"op\":\"create\"}"), OP_STORE);

    /* Login's stages are in its entry: look up, hash, record. */
    const struct op *login = dispatch_find("login");
    assert_non_null(login);
    assert_false(login->needs_token);
    assert_string_equal(login->audit, "login");
    assert_int_equal(login->stages[0].pool, OP_STORE);
    assert_int_equal(login->stages[1].pool, OP_HASH);
    assert_int_equal(login->stages[2].pool, OP_STORE);
    assert_non_null(login->stages[2].run);

    assert_string_equal(dispatch_find("set_status")->audit, "scp.status");
    assert_true(dispatch_find("audit")->needs_token);
    assert_false(dispatch_find("health")->needs_token);
    assert_ptr_equal(dispatch_find("create"), &op_create_entry);
    assert_null(dispatch_find("drop_tables"));
}

/* Every entry is whole: a first stage, no gap before a later one, a name it is found by. */
static void every_op_entry_is_whole(void **state)
{
    (void)state;
#define CHECK_ENTRY(n)                                                                             \
    do {                                                                                           \
        const struct op *op = &op_##n##_entry;                                                     \
        assert_ptr_equal(dispatch_find(op->name), op);                                             \
        assert_non_null(op->stages[0].run);                                                        \
        for (size_t i = 1; i < OP_MAX_STAGES; i++)                                                 \
            if (op->stages[i].run != NULL)                                                         \
                assert_non_null(op->stages[i - 1].run);                                            \
        if (op->stages[0].pool == OP_INLINE)                                                       \
            assert_null(op->stages[1].run);                                                        \
    } while (0);
    SCIPNET_OPS(CHECK_ENTRY)
#undef CHECK_ENTRY
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_requests_parse),
        cmocka_unit_test(bad_requests_get_bad_request),
        cmocka_unit_test(unknown_op_keeps_the_id),
        cmocka_unit_test(utf8_is_strict),
        cmocka_unit_test(the_op_table_says_where_an_op_runs),
        cmocka_unit_test(every_op_entry_is_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
