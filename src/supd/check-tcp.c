/*
 * tcp: and unix: probes: the check passes when a connection is accepted.
 * Names are resolved with evdns, so a slow resolver never holds the loop.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <string.h>

#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "check-probe.h"

static struct evdns_base	*check_dns;
static struct event_base	*check_dns_owner;

/*
 * The resolver, made on first use. It keeps no descriptor or timer while
 * nothing is being looked up, so an idle daemon stays idle.
 */
struct evdns_base *
check_dns_base(struct event_base *base)
{
	if (check_dns != NULL && check_dns_owner == base)
		return (check_dns);
	if (check_dns != NULL)
		evdns_base_free(check_dns, 1);
	check_dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (check_dns == NULL)	/* no resolv.conf: hosts file and numbers */
		check_dns = evdns_base_new(base,
		    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	check_dns_owner = base;
	return (check_dns);
}

void
check_dns_free(void)
{
	if (check_dns != NULL)
		evdns_base_free(check_dns, 1);
	check_dns = NULL;
	check_dns_owner = NULL;
}

static void
check_tcp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct check_probe	*cp = arg;
	const struct check_spec	*spec = cp->spec;
	int			 err = EVUTIL_SOCKET_ERROR(), dns;

	if (what & BEV_EVENT_CONNECTED) {
		check_probe_finish(cp, 1, "connected");
		return;
	}
	if ((dns = bufferevent_socket_get_dns_error(bev)) != 0) {
		check_probe_finish(cp, 0, "cannot resolve %s: %s", spec->host,
		    evutil_gai_strerror(dns));
		return;
	}
	check_probe_finish(cp, 0, "%s", err != 0 ?
	    evutil_socket_error_to_string(err) : "connection failed");
}

static void
check_unix_start(struct check_probe *cp)
{
	struct sockaddr_un	 sun;
	size_t			 len = strlen(cp->spec->path);

	if (len >= sizeof sun.sun_path) {
		check_probe_finish(cp, 0, "socket path too long");
		return;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, cp->spec->path, len);
	if (bufferevent_socket_connect(cp->bev, (struct sockaddr *)&sun,
	    sizeof sun) != 0)
		check_probe_finish(cp, 0, "%s", strerror(errno));
}

void
check_tcp_start(struct check_probe *cp)
{
	const struct check_spec	*spec = cp->spec;

	cp->bev = bufferevent_socket_new(cp->base, -1, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(cp->bev, NULL, NULL, check_tcp_event_cb, cp);
	if (spec->kind == CHECK_UNIX) {
		check_unix_start(cp);
		return;
	}
	if (bufferevent_socket_connect_hostname(cp->bev,
	    check_dns_base(cp->base), AF_UNSPEC, spec->host, spec->port) != 0)
		check_probe_finish(cp, 0, "cannot connect to %s:%d",
		    spec->host, spec->port);
}

void
check_tcp_stop(struct check_probe *cp)
{
	if (cp->bev != NULL) {
		bufferevent_free(cp->bev);
		cp->bev = NULL;
	}
}
