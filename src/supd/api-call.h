/*
 * One request of the JSON API and its answer: JSON replies and errors
 * with Supervisor's fault names, and XML-RPC methods run on the
 * request's behalf, so the API acts through exactly the code (checks,
 * waits) that /RPC2 uses.
 */
#ifndef API_CALL_H
#define API_CALL_H

#include <jansson.h>

struct evhttp_request;
struct http_hold;
struct rpc_call;
struct xr_value;

struct api_req;

/*
 * What a method's call came to: fault 0 and its result (borrowed, NULL
 * if it had none), or a fault code and Supervisor's text for it.
 */
typedef void (*api_call_fn)(struct api_req *, int fault, const char *text,
    const struct xr_value *result);

struct api_req {
	struct evhttp_request	*req;
	struct http_hold	*hold;		/* while a call waits */
	struct rpc_call		*call;		/* the call running, or NULL */
	api_call_fn		 fn;
	char			*name;		/* the namespec acted on */
	int			 wait;
	json_t			*body;		/* the POST body, or NULL */
};

struct api_req	*api_req_new(struct evhttp_request *);
/* Free a without answering (the request was handed on). */
void		 api_req_free(struct api_req *);
/*
 * Run method with argv (consumed) for a; fn runs once the call is done,
 * at once or when the processes it waits for settle. If the client
 * leaves first, the call is cancelled and a freed.
 */
void		 api_call(struct api_req *, const char *method,
		     struct xr_value **argv, int argc, api_call_fn);

/* Answer status with o (taken), and free a. */
void		 api_reply(struct api_req *, int status, json_t *);
/* Answer {"error": {"code": code, "message": ...}} and free a. */
void		 api_error(struct api_req *, int status, const char *code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The error for a fault, its HTTP status from the fault; frees a. */
void		 api_fault(struct api_req *, int fault, const char *text);

/* Answer a request that has no struct api_req. */
void		 api_send(struct evhttp_request *, int status, json_t *);

#endif
