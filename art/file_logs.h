/* file_logs.h - the tables after a file's body: status history and recent audit rows. */
#ifndef SCIPNET_ART_FILE_LOGS_H
#define SCIPNET_ART_FILE_LOGS_H

#include "art/layout.h"
#include "art/model.h"

/* Column widths; the last column takes the rest of the line and wraps. */
#define ART_LOG_WHEN_COLS   17 /* a status change's, to the minute */
#define ART_LOG_TIME_COLS   26 /* an audit row's, to the millisecond */
#define ART_LOG_WHO_COLS    14
#define ART_LOG_CHANGE_COLS 25 /* "neutralized -> explained" */
#define ART_LOG_ACTION_COLS 16
#define ART_LOG_RESULT_COLS 10

/* Appends "STATUS HISTORY" (an SCP file) and "RECENT AUDIT ROWS" (a personnel file read at
 * the audit log's level) to r, each only when the file carries it; the last column wraps
 * within width. */
int art_file_logs(struct rich *r, const struct art_file *f, int width);

#endif
