/* version.h - the one version string every SCiPNET program reports. */
#ifndef SCIPNET_VERSION_H
#define SCIPNET_VERSION_H

#define SCIPNET_VERSION "0.9.0"

#endif
