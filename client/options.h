/*
 * options.h - the command line of `scipnet`:
 *   scipnet [--ca FILE] [--fingerprint sha256:HEX] [--timeout SECONDS] [HOST[:PORT]]
 *   scipnet --batch [--raw] [--format text|tsv|json|markdown] [--user NAME --password-stdin]
 *           [--fingerprint sha256:HEX | --ca FILE] HOST:PORT COMMAND...
 *   scipnet --help | --version
 */
#ifndef SCIPNET_CLIENT_OPTIONS_H
#define SCIPNET_CLIENT_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum client_format {
    FORMAT_TEXT,     /* for people: aligned columns */
    FORMAT_TSV,      /* a header row, then tab-separated rows; fields escaped, never a tab */
    FORMAT_JSON,     /* the server's reply as JSON, every non-ASCII character \u-escaped */
    FORMAT_MARKDOWN, /* read only: the file's markdown source as the reader may see it */
};

struct client_options {
    char host[256];
    int port;
    char hostport[300]; /* "host:port" as written in known_hosts */
    const char *ca_file;
    const char *fingerprint;
    bool batch;
    const char *user;
    bool password_stdin;
    bool raw;       /* batch: print the server's text byte for byte, controls and all */
    char **command; /* batch: COMMAND and its arguments */
    int ncommand;
    enum client_format format; /* batch: --format */
    bool help;
    bool version;  /* --version: print it and exit */
    int timeout_s; /* --timeout: each request's deadline; 0 = the default 30 s */
};

#define OPTIONS_TIMEOUT_MAX 3600

/* Parse argv.  Returns 0, or -1 with a message in err (usage errors). */
int options_parse(int argc, char **argv, struct client_options *opt, char *err, size_t errlen);
/* The usage, every batch verb with its fields, to f (stdout for --help, stderr on error). */
void options_usage(FILE *f, const char *prog);

#endif
