/* main.c - `scipnet`: the SCiPNET terminal client, interactive or in batch mode. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>

#include "client/batch.h"
#include "client/options.h"
#include "client/ui.h"
#include "common/version.h"
#include "common/vis.h"

int main(int argc, char **argv)
{
    struct client_options opt;
    char err[256];
    setlocale(LC_ALL, "");
    /* A server that goes away mid-write must not kill the client: it reports and reconnects. */
    signal(SIGPIPE, SIG_IGN);
    if (options_parse(argc, argv, &opt, err, sizeof(err)) != 0) {
        vis_fprintf(stderr, VIS_LINE, "scipnet: %s\n", err);
        options_usage(stderr, "scipnet");
        return 1;
    }
    if (opt.help) {
        options_usage(stdout, "scipnet");
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (opt.version) {
        vis_fprintf(stdout, VIS_LINE, "scipnet %s (protocol %d)\n", SCIPNET_VERSION,
                    SCIPNET_PROTOCOL);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    if (opt.batch)
        return batch_run(&opt);
    return ui_run(&opt);
}
