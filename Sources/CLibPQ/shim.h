// libpq's types and constants only; its functions are resolved at run time (see LibpqLoader.swift).
#include <postgresql/libpq-fe.h>
#include <dlfcn.h>
#include <stdlib.h>

// Every libpq function the Postgres wrapper calls. A new call needs its name here.
#define GITGATE_LIBPQ_FUNCTIONS(X) \
    X(PQcancel) X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdbParams) \
    X(PQconnectionNeedsPassword) X(PQconninfoFree) X(PQconninfoParse) X(PQconsumeInput) X(PQdb) \
    X(PQerrorMessage) X(PQfinish) X(PQflush) X(PQfname) X(PQfreeCancel) X(PQfreemem) \
    X(PQgetCancel) X(PQgetCopyData) X(PQgetResult) X(PQgetisnull) X(PQgetvalue) X(PQhost) \
    X(PQisBusy) X(PQlibVersion) X(PQnfields) X(PQntuples) X(PQpingParams) X(PQport) \
    X(PQputCopyEnd) X(PQresStatus) X(PQresultErrorField) X(PQresultErrorMessage) \
    X(PQresultStatus) X(PQsendQuery) X(PQsendQueryParams) X(PQserverVersion) \
    X(PQsetNoticeProcessor) X(PQsetnonblocking) X(PQsocket) X(PQstatus) X(PQtransactionStatus) \
    X(PQuser)

// One pointer per function, typed from libpq's own declaration (__typeof__ does not reference the symbol).
typedef struct GitgateLibpq {
#define GITGATE_LIBPQ_FIELD(name) __typeof__(name) *_Nonnull name;
    GITGATE_LIBPQ_FUNCTIONS(GITGATE_LIBPQ_FIELD)
#undef GITGATE_LIBPQ_FIELD
} GitgateLibpq;

// The table for an open handle, allocated once for the process's lifetime; NULL with `missing`
// set to the first function this libpq lacks.
static inline const GitgateLibpq *_Nullable gitgate_libpq_resolve(void *_Nonnull handle, const char *_Nullable *_Nonnull missing) {
    GitgateLibpq *api = (GitgateLibpq *)calloc(1, sizeof *api);
    if (api == NULL) { *missing = "(out of memory)"; return NULL; }
#define GITGATE_LIBPQ_RESOLVE(name) \
    if ((api->name = (__typeof__(name) *)dlsym(handle, #name)) == NULL) { *missing = #name; free(api); return NULL; }
    GITGATE_LIBPQ_FUNCTIONS(GITGATE_LIBPQ_RESOLVE)
#undef GITGATE_LIBPQ_RESOLVE
    return api;
}
