/*
 * version.h - the release every program reports (`--version`, the hello reply).
 * One place, so the client, the server and deepwell never disagree.
 */
#ifndef SCIPNET_VERSION_H
#define SCIPNET_VERSION_H

#define SCIPNET_VERSION  "0.1.0"
#define SCIPNET_PROTOCOL 1

#endif
