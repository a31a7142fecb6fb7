/*
 * Dropbear options for kcap's dbclient (the `ssh` dump target): copied into the build
 * directory as localoptions.h; everything not set here keeps default_options.h's value.
 * The client runs once, non-interactively, as root in the capture kernel: it logs in with
 * one key (sshkey) and pipes the dump into a remote command.
 */

/* Speed over size: the dump goes through these ciphers. libtomcrypt's small code paths
 * made dbclient 2.5x slower than OpenSSH's ssh per byte (300 MB to a local sshd: 6.8 s
 * against 2.6 s), the bottleneck of the ssh target. */
#define DROPBEAR_SMALL_CODE 0

/* Ciphers. chacha20-poly1305 is OpenSSH's first choice and fast without AES-NI; aes-ctr
 * (with hmac-sha2-256) is what FIPS-mode servers (RHEL) still allow. CBC, GCM, 3DES: off. */
#define DROPBEAR_CHACHA20POLY1305 1
#define DROPBEAR_AES128 1
#define DROPBEAR_AES256 1
#define DROPBEAR_ENABLE_CTR_MODE 1
#define DROPBEAR_3DES 0
#define DROPBEAR_ENABLE_CBC_MODE 0
#define DROPBEAR_ENABLE_GCM_MODE 0
#define DROPBEAR_SHA2_256_HMAC 1
#define DROPBEAR_SHA1_HMAC 0
#define DROPBEAR_SHA2_512_HMAC 0
#define DROPBEAR_SHA1_96_HMAC 0

/* Key exchange: curve25519 (OpenSSH default), ECDH and DH group14-sha256 for FIPS servers.
 * SHA-1 groups are refused by current servers anyway. */
#define DROPBEAR_CURVE25519 1
#define DROPBEAR_ECDH 1
#define DROPBEAR_DH_GROUP14_SHA256 1
#define DROPBEAR_DH_GROUP14_SHA1 0
#define DROPBEAR_DH_GROUP16 0
#define DROPBEAR_DH_GROUP1 0

/* Host and user keys: RSA (kdump's default key is kdump_id_rsa; rsa-sha2-256 only),
 * Ed25519 and ECDSA (the host keys servers offer). DSS and security-key types: off. */
#define DROPBEAR_RSA 1
#define DROPBEAR_RSA_SHA1 0
#define DROPBEAR_ED25519 1
#define DROPBEAR_ECDSA 1
#define DROPBEAR_DSS 0
#define DROPBEAR_SK_KEYS 0

/* Authentication: public key only. Nobody is there to type a password. */
#define DROPBEAR_CLI_PUBKEY_AUTH 1
#define DROPBEAR_CLI_PASSWORD_AUTH 0
#define DROPBEAR_USE_PASSWORD_ENV 0
#define DROPBEAR_CLI_ASKPASS_HELPER 0

/* Forwarding, proxying, agent, runtime algorithm lists: a dump upload uses none of them. */
#define DROPBEAR_CLI_LOCALTCPFWD 0
#define DROPBEAR_CLI_REMOTETCPFWD 0
#define DROPBEAR_CLI_AGENTFWD 0
#define DROPBEAR_CLI_PROXYCMD 0
#define DROPBEAR_CLI_NETCAT 0
#define DROPBEAR_USER_ALGO_LIST 0
#define DROPBEAR_X11FWD 0

/* Server side (not built, but keep its options from pulling code into shared objects). */
#define DROPBEAR_SVR_LOCALTCPFWD 0
#define DROPBEAR_SVR_REMOTETCPFWD 0
#define DROPBEAR_SVR_AGENTFWD 0
#define DROPBEAR_SVR_PASSWORD_AUTH 0
#define DROPBEAR_SVR_PUBKEY_OPTIONS 0
#define INETD_MODE 0
