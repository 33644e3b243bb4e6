/* rw-llm.h — the optional planner: an OpenAI-compatible chat-completions endpoint (LM Studio,
 * llama.cpp server, Ollama) over libsoup 3, temperature 0, JSON only. Its answer goes through
 * a small repair step for near-JSON (code fences, prose around the object, trailing commas)
 * and then the same parsing and validation as every plan. Every call is stored in llm_runs
 * with SHA-256 hashes of prompt and response and the decision tag LLM_DECISION.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "rw-planner.h"
#include "rw-store.h"

G_BEGIN_DECLS

/* The largest answer read from an endpoint, counted after Content-Encoding is undone (so a gzip
 * bomb stops here too). A plan of 12 tasks is a few KiB. */
#define RW_LLM_MAX_ANSWER_BYTES (1024 * 1024)

typedef struct {
  const char *endpoint;   /* base URL, e.g. http://127.0.0.1:1234/v1 ("/chat/completions" is added);
                           * http:// or https:// only */
  const char *model;
  guint timeout_s;        /* a deadline for the whole exchange: connecting, sending and reading every
                           * byte of the answer; a later answer is RW_INTAKE_ERROR_TIMEOUT */
  gsize max_answer_bytes; /* 0: RW_LLM_MAX_ANSWER_BYTES; a larger answer is RW_INTAKE_ERROR_LLM */
} RwLlmConfig;

void rw_llm_config_init (RwLlmConfig *c);

/* One chat completion with a system and a user message: the assistant's content. */
char *rw_llm_chat (const RwLlmConfig *cfg, const char *system, const char *user, GError **error);

/* Near-JSON -> JSON text, or NULL when nothing object-like is in @text. Only mechanical fixes:
 * it never invents tasks. */
char *rw_llm_repair_json (const char *text);

/* An answer -> a plan: parsed as it is, or else after rw_llm_repair_json. @repaired (may be
 * NULL) says whether the repair was needed. Errors name "LLM answer" (or "LLM answer
 * (repaired)"). The plan is not validated: the scheduler does that against the topology. */
RwPlan *rw_llm_plan_from_answer (const char *answer, gboolean *repaired, GError **error);

/* A planner over @cfg (copied). @store (may be NULL) receives llm_runs. */
RwPlanner *rw_llm_planner_new (const RwLlmConfig *cfg, RwStore *store);

G_END_DECLS
