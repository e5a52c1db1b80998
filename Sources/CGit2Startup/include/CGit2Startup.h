#ifndef GITGATE_CGIT2STARTUP_H
#define GITGATE_CGIT2STARTUP_H

/// How many times libgit2 asked to load a CA certificate file and was refused (see NoCACertificates.c).
int gitgate_refused_certificate_loads(void);

#endif
