/* rw-cli.h — routewise-cli subcommands. Each returns the process exit code:
 * 0 ok, 1 a finding (unsafe, not converged, SLA violated…), 2 bad input.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

enum { RW_EXIT_OK = 0, RW_EXIT_FINDING = 1, RW_EXIT_BAD_INPUT = 2 };

typedef int (*RwCliCommand) (int argc, char **argv);

int rw_cli_simulate (int argc, char **argv);
int rw_cli_whatif (int argc, char **argv);
int rw_cli_render (int argc, char **argv);
int rw_cli_bench (int argc, char **argv);
int rw_cli_verify (int argc, char **argv);
int rw_cli_synth (int argc, char **argv);
int rw_cli_run (int argc, char **argv);
int rw_cli_harness (int argc, char **argv);
int rw_cli_train (int argc, char **argv);
int rw_cli_audit (int argc, char **argv);
int rw_cli_config (int argc, char **argv);
int rw_cli_incident (int argc, char **argv);
int rw_cli_tickets (int argc, char **argv);
int rw_cli_keys (int argc, char **argv);
int rw_cli_lab (int argc, char **argv);
int rw_cli_import (int argc, char **argv);
int rw_cli_export (int argc, char **argv);

/* Shared helpers (rw-cli-common.c). */
int rw_cli_parse (GOptionContext *ctx, int *argc, char ***argv);
int rw_cli_bad_input (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
void rw_cli_print_json (JsonNode *node);
/* Loads and solves a topology; on bad input prints the message and sets *status to 2. */
#include "rw-twin.h"
RwTwin *rw_cli_load_twin (const char *path, int *status);

/* The incident harness (retrieval, TGED, MRL) over FILE on the shipped network and runbooks;
 * with @out the document is returned instead of printed. Returns an exit status. */
int rw_cli_incident_harness (const char *file, const char *db, gboolean json, JsonNode **out);

G_END_DECLS
