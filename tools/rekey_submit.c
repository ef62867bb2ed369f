/* symbolon rekey: submitting shares (tools/rekey.h).  The state machine
 * is lib/rekey_submit.c; this gathers the shares and prints. */
#include <stdio.h>

#include "symbolon/io.h"
#include "symbolon/seal_device.h"

#include "cli.h"
#include "rekey.h"

int
rekey_report(int rc, struct sym_rekey_said *said, const char *path)
{
	int done = rc == SYM_OK && said->refusal == SYM_REKEY_ACCEPTED;

	if (done)
		fwrite(said->text.bytes, 1, said->text.len, stdout);
	sym_rekey_text_free(&said->text);
	if (done || said->why[0] == '\0')
		return done ? 0 : cli_fail(rc, path);
	cli_error("%s", said->why);
	return sym_rekey_exit_status(rc, said->refusal);
}

/* The shares given, then (on a terminal) asked for until enough are in. */
static int
gather_shares(struct gather *g, const struct gather_options *share_opts,
    unsigned needed)
{
	int status = 0;

	for (size_t i = 0; i < share_opts->source_count && status == 0; i++)
		status = gather_file(g, share_opts->sources[i]);
	if (status == 0 && share_opts->source_count == 0 &&
	    sym_quorum_count(g->quorum) < needed)
		status = gather_prompt(g);
	return status;
}

int
rekey_submit(struct sym_image *img, struct sym_rekey_submit_params *p,
    const struct gather_options *share_opts)
{
	static struct sym_rekey_submission_info info;
	static struct sym_rekey_submit_result r;
	struct sym_seal_pin pin = { .file = share_opts->pin_file };
	struct sym_rekey_submission *sub = NULL;
	struct gather g = { 0 };
	int rc, status;

	p->no_shares = !share_opts->source_count && !sym_io_isatty(0);
	p->pin = &pin;
	rc = sym_rekey_submission_open(&sub, &info, img, p);
	if (sub == NULL)
		return rekey_report(rc, &info.said, p->image_name);
	/* Shown before any share: the plan is outside the signed header. */
	fwrite(info.plan.bytes, 1, info.plan.len, stderr);
	sym_rekey_text_free(&info.plan);
	if ((status = gather_init(&g, img, share_opts)) != 0)
		goto out;
	if ((rc = sym_rekey_submission_load(sub, &info, g.quorum)) != SYM_OK) {
		status = rekey_report(rc, &info.said, p->image_name);
		goto out;
	}
	if (info.expired)
		cli_error("%s", info.warning);
	g.progress_label = info.progress_label;
	g.pending_generation = p->verification;
	g.recovery = info.recovery;
	g.required = info.needed;
	g.on_accept = sym_rekey_submission_accept;
	g.on_accept_ctx = sub;
	status = gather_shares(&g, share_opts, info.needed);
	rc = sym_rekey_submission_finish(sub, &r, g.quorum, status != 0);
	sub = NULL;
	if (r.journal_rc != SYM_OK)
		cli_error("%s", r.warning);
	if (status == 0)
		status = rekey_report(rc, &r.said, p->image_name);
	sym_rekey_submit_result_free(&r);
out:
	sym_rekey_submission_free(sub);
	gather_free(&g);
	return status;
}
