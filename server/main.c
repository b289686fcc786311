/*
 * main.c - scipnet-server: command line and configuration, then server_run.
 *
 *   scipnet-server [--db PATH] [--listen HOST:PORT] [--config FILE]
 *                  [--cert FILE --key FILE] [--log-level LEVEL] [--check]
 *   scipnet-server --version
 *
 * Configuration precedence: defaults < file < SCIPNET_* environment < flags.
 * --check (server/check.h) checks it all and exits 0 or 1 instead of serving.
 */
#include "common/config.h"
#include "common/log.h"
#include "common/version.h"
#include "common/vis.h"
#include "server/check.h"
#include "server/server.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: scipnet-server [--db PATH] [--listen HOST:PORT] [--config FILE]\n"
                 "                      [--cert FILE --key FILE] [--log-level LEVEL] [--check]\n"
                 "       scipnet-server --version\n"
                 "the store defaults to deepwell.db in the current directory;\n"
                 "--check checks the configuration, store, certificate and key, then exits\n");
}

struct flag {
    const char *key;
    const char *value;
};

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},     {"listen", required_argument, NULL, 'l'},
        {"config", required_argument, NULL, 'c'}, {"cert", required_argument, NULL, 'C'},
        {"key", required_argument, NULL, 'K'},    {"log-level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},         {"check", no_argument, NULL, 't'},
        {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0},
    };
    struct flag flags[8];
    size_t nflags = 0;
    const char *config_file = NULL;
    bool check = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        const char *key = NULL;
        switch (opt) {
        case 'd':
            key = "db";
            break;
        case 'l':
            key = "listen";
            break;
        case 'C':
            key = "cert";
            break;
        case 'K':
            key = "key";
            break;
        case 'L':
            key = "log_level";
            break;
        case 'c':
            config_file = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("scipnet-server %s (protocol %d)\n", SCIPNET_VERSION, SCIPNET_PROTOCOL);
            return 0;
        case 't':
            check = true;
            break;
        default:
            usage(stderr);
            return 2;
        }
        if (key != NULL && nflags < sizeof(flags) / sizeof(flags[0]))
            flags[nflags++] = (struct flag){key, optarg};
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }

    struct scipnet_config cfg;
    char err[512];
    config_defaults(&cfg);
    if (config_file != NULL && config_load_file(&cfg, config_file, err, sizeof(err)) < 0) {
        vis_fprintf(stderr, VIS_LINE, "scipnet-server: %s\n", err);
        return check ? 1 : 2;
    }
    if (config_apply_env(&cfg, err, sizeof(err)) < 0) {
        vis_fprintf(stderr, VIS_LINE, "scipnet-server: %s\n", err);
        return check ? 1 : 2;
    }
    for (size_t i = 0; i < nflags; i++) {
        if (config_set(&cfg, flags[i].key, flags[i].value, err, sizeof(err)) < 0) {
            vis_fprintf(stderr, VIS_LINE, "scipnet-server: --%s: %s\n", flags[i].key, err);
            return check ? 1 : 2;
        }
    }
    int level = log_level_parse(cfg.log_level[0] ? cfg.log_level : "info");
    if (level < 0) {
        vis_fprintf(stderr, VIS_LINE, "scipnet-server: unknown log level '%s'\n", cfg.log_level);
        return check ? 1 : 2;
    }
    log_set_level((enum log_level)level);
    if (check)
        return server_check(&cfg, config_file, stdout, stderr);
    return server_run(&cfg);
}
