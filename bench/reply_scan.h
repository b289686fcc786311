/*
 * reply_scan.h - pulls the few fields the bench needs out of a reply line without
 * building a JSON tree: the top-level "id", "ok", "token" and "error"."code".
 *
 * The whole line is still walked, so a truncated or malformed reply is caught and
 * counted as a protocol failure; but nothing is allocated or copied, which keeps
 * the bench from becoming the bottleneck on 8 KB replies.
 */
#ifndef SCIPNET_BENCH_REPLY_SCAN_H
#define SCIPNET_BENCH_REPLY_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A span of the line: [start, start + len). */
struct json_span {
    const char *start;
    size_t len;
};

struct reply_fields {
    bool has_id;
    int64_t id; /* only integer ids are used by the bench */
    bool has_ok;
    bool ok;
    struct json_span token;      /* string contents, escapes left as they are */
    struct json_span error_code; /* string contents of error.code */
};

/* 0 when the line is one well-formed JSON object; -1 otherwise. */
int reply_scan(const char *line, size_t len, struct reply_fields *out);

#endif
