/* options.c - the command line of `scipnet`. */
#include "client/options.h"
#include "common/integer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/forms.h"
#include "client/net.h"
#include "common/vis.h"
#include "common/config.h"

void options_usage(FILE *f, const char *prog)
{
    vis_fprintf(f, VIS_TEXT,
                "usage: %s [--ca FILE | --fingerprint sha256:HEX] [--timeout SECONDS]\n"
                "               [HOST[:PORT]]\n"
                "       %s --batch [--raw] [--format text|tsv|json|markdown]\n"
                "               [--user NAME|ID --password-stdin] [--timeout SECONDS]\n"
                "               [--ca FILE | --fingerprint sha256:HEX] HOST[:PORT] COMMAND\n"
                "       %s --help | --version\n"
                "batch commands:\n"
                "  read REF | list KIND [QUERY] | whoami | health | info TOPIC\n"
                "  create KIND FIELD=VALUE...\n"
                "  status REF STATUS [REASON] | history REF [--limit N]\n"
                "  edit REF --base-revision K --reason R (--section N --text-file F\n"
                "       | --addendum TITLE --level N --text-file F | --title T --containment C\n"
                "       --secondary C --disruption C --risk C --level N)\n"
                "  who [USER] | revoke SESSION|USER | passwd | audit [FILTER=VALUE...]\n"
                "create fields (* required):\n",
                prog, prog, prog);
    for (size_t i = 0; i < form_kind_count(); i++) {
        const struct form_kind *k = form_kind_at(i);
        char line[512];
        int col = snprintf(line, sizeof(line), "  create %-5s", k->kind), len = col;
        for (size_t j = 0; j < k->count && len < (int)sizeof(line) - 40; j++) {
            const struct form_field *fld = &k->fields[j];
            if (col + (int)strlen(fld->key) + 2 > 78) { /* wrapped under the first field */
                len += snprintf(line + len, sizeof(line) - (size_t)len, "\n%14s", "");
                col = 14;
            }
            int n = snprintf(line + len, sizeof(line) - (size_t)len, " %s%s", fld->key,
                             fld->required ? "*" : "");
            len += n;
            col += n;
        }
        vis_fprintf(f, VIS_TEXT, "%s\n", line);
    }
    vis_fprintf(f, VIS_TEXT,
                "passwords never go on the command line.  With --password-stdin the first line\n"
                "of standard input is the login password; `create user` and `passwd` take the\n"
                "new password from the second line, or ask on the terminal when there is none.\n"
                "--format: text (default), tsv (a header row, tab-separated, fields escaped) or\n"
                "          json (the server's reply, \\u-escaped); for every command; read also\n"
                "          takes markdown (the file's source; text renders it)\n"
                "--timeout: the most one request may take, 1-%d s (default 30)\n"
                "exit status: 0 ok, 1 error, 2 authentication, 3 redacted, 4 expunged,\n"
                "             5 clearance denied\n"
                "control characters in the server's text are shown escaped (\\e, \\x9b, \\u202e);\n"
                "--raw prints them as they are, for a script that needs the bytes\n",
                OPTIONS_TIMEOUT_MAX);
}

static void format_hostport(struct client_options *opt)
{
    if (strchr(opt->host, ':') != NULL)
        snprintf(opt->hostport, sizeof(opt->hostport), "[%s]:%d", opt->host, opt->port);
    else
        snprintf(opt->hostport, sizeof(opt->hostport), "%s:%d", opt->host, opt->port);
}

int options_parse(int argc, char **argv, struct client_options *opt, char *err, size_t errlen)
{
    memset(opt, 0, sizeof(*opt));
    const char *target = NULL;
    bool format_set = false;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (a[0] != '-' || a[1] == '\0')
            break;
        if (strcmp(a, "--batch") == 0) {
            opt->batch = true;
        } else if (strcmp(a, "--raw") == 0) {
            opt->raw = true;
        } else if (strcmp(a, "--password-stdin") == 0) {
            opt->password_stdin = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            opt->help = true;
            return 0;
        } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            opt->version = true;
            return 0;
        } else if (strcmp(a, "--format") == 0) {
            const char *v = i + 1 < argc ? argv[++i] : "";
            if (strcmp(v, "text") == 0)
                opt->format = FORMAT_TEXT;
            else if (strcmp(v, "tsv") == 0)
                opt->format = FORMAT_TSV;
            else if (strcmp(v, "json") == 0)
                opt->format = FORMAT_JSON;
            else if (strcmp(v, "markdown") == 0)
                opt->format = FORMAT_MARKDOWN;
            else {
                snprintf(err, errlen, "--format is text, tsv, json or markdown");
                return -1;
            }
            format_set = true;
        } else if (strcmp(a, "--timeout") == 0) {
            int64_t t;
            if (i + 1 >= argc || !integer_parse(argv[i + 1], 1, OPTIONS_TIMEOUT_MAX, &t)) {
                snprintf(err, errlen, "--timeout needs 1 to %d seconds", OPTIONS_TIMEOUT_MAX);
                return -1;
            }
            opt->timeout_s = (int)t;
            i++;
        } else if (strcmp(a, "--ca") == 0 || strcmp(a, "--fingerprint") == 0 ||
                   strcmp(a, "--user") == 0) {
            if (i + 1 >= argc) {
                snprintf(err, errlen, "%s needs a value", a);
                return -1;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--ca") == 0)
                opt->ca_file = v;
            else if (strcmp(a, "--fingerprint") == 0)
                opt->fingerprint = v;
            else
                opt->user = v;
        } else {
            snprintf(err, errlen, "unknown option %s", a);
            return -1;
        }
    }
    if (i < argc)
        target = argv[i++];
    if (opt->ca_file && opt->fingerprint) {
        snprintf(err, errlen, "--ca and --fingerprint exclude each other");
        return -1;
    }
    if (opt->batch) {
        if (target == NULL || i >= argc) {
            snprintf(err, errlen, "batch mode needs HOST:PORT and a COMMAND");
            return -1;
        }
        opt->command = argv + i;
        opt->ncommand = argc - i;
        if (opt->user != NULL && !opt->password_stdin) {
            snprintf(err, errlen, "--user needs --password-stdin in batch mode");
            return -1;
        }
        if (opt->format == FORMAT_MARKDOWN && strcmp(opt->command[0], "read") != 0) {
            snprintf(err, errlen, "--format markdown is for read");
            return -1;
        }
    } else if (opt->raw || format_set) {
        snprintf(err, errlen, "%s is for batch mode", opt->raw ? "--raw" : "--format");
        return -1;
    } else if (i < argc) {
        snprintf(err, errlen, "unexpected argument %s", argv[i]);
        return -1;
    }
    if (opt->password_stdin && opt->user == NULL) {
        snprintf(err, errlen, "--password-stdin needs --user");
        return -1;
    }
    if (net_parse_hostport(target ? target : "localhost", CONFIG_DEFAULT_PORT, opt->host,
                           sizeof(opt->host), &opt->port) != 0) {
        snprintf(err, errlen, "bad server address '%s' (want HOST[:PORT])", target);
        return -1;
    }
    format_hostport(opt);
    return 0;
}
