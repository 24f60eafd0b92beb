/*
 * The hot path of live video, in one native call per encoded frame: for every viewer, write the
 * RTP packets of the frame with that viewer's SSRC, sequence numbers, rewritten timestamp and VP8
 * picture id, SRTP-protect them with the viewer's own libsrtp session, and send them with one
 * sendmmsg() -- with the GIL released. Everything else (signalling, ICE, DTLS, RTCP, NACK
 * answers, the low tier) stays in aiortc and Python.
 *
 * No cryptography here and no copy of libsrtp: the caller hands us the address of the
 * srtp_protect() that pylibsrtp already loaded (its cffi binding), and each viewer's srtp_t from
 * the pylibsrtp Session aiortc's DTLS transport made. We only declare the one prototype we use
 * (libsrtp 2.x); tests/media_rtc/test_aiortc_internals.py checks it against pylibsrtp's binding.
 *
 * Sockets: each viewer's UDP socket (aioice's, for the nominated candidate pair) is dup()ed when
 * its outlet is made, so the descriptor we send on can never be closed and reused under us.
 *
 * Threads: send_frames() runs on the fan-out's own thread (media_rtc/native), while aiortc keeps
 * using the same srtp_t on the event loop (NACK answers, RTCP), and libsrtp's contexts are not
 * safe for concurrent use. So every outlet has a Guard, one per DTLS transport (the audio and video
 * outlets of a BUNDLE connection share it, as they share the srtp_t): a mutex held around each
 * outlet's protect+send, around every Outlet method that reads or changes its state, and, through
 * `with guard:`, around aiortc's own protect calls (aiortc_internals.GuardedSrtpSession). Waiting
 * for it from Python releases the GIL, and nothing holding it ever takes the GIL: no deadlock.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>

/* libsrtp 2.x: srtp_err_status_t srtp_protect(srtp_t ctx, void *rtp_hdr, int *len_ptr); 0 is ok. */
typedef int (*srtp_protect_fn)(void *ctx, void *rtp_hdr, int *len_ptr);
static srtp_protect_fn srtp_protect_ptr = NULL;

#define SLOT_BYTES 2048          /* one packet and room for libsrtp's trailer (tag + MKI) */
#define MAX_RTP_BYTES 1400       /* header + extensions + payload, before SRTP */
#define SRTP_TRAILER_MAX 144     /* SRTP_MAX_TAG_LEN + SRTP_MAX_MKI_LEN */
#define MAX_EXT_BYTES 32
#define BATCH 64                 /* packets per sendmmsg() */
#define HISTORY 128              /* frames remembered per outlet, to answer NACKs */
#define VP8_DESCRIPTOR 4

typedef struct {
    uint64_t serial;   /* the source's frame serial number */
    uint64_t source;   /* which source the frame came from */
    uint32_t rtp_ts;
    uint16_t first_seq;
    uint16_t count;
    uint16_t picture_id;
    uint8_t used;
} FrameRecord;

/* A mutex for one srtp_t and every outlet that uses it (see "Threads" above). */
typedef struct {
    PyObject_HEAD
    pthread_mutex_t mutex;
    int ready;
} Guard;

static PyTypeObject GuardType;

static PyObject *Guard_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    if (PyTuple_GET_SIZE(args) || (kwds && PyDict_GET_SIZE(kwds))) {
        PyErr_SetString(PyExc_TypeError, "Guard() takes no arguments");
        return NULL;
    }
    Guard *self = (Guard *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    /* a thread locking twice gets an error, not a silent deadlock */
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    int rc = pthread_mutex_init(&self->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0) {
        Py_DECREF(self);
        errno = rc;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    self->ready = 1;
    return (PyObject *)self;
}

static void Guard_dealloc(Guard *self) {
    if (self->ready)
        pthread_mutex_destroy(&self->mutex);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Lock from a thread holding the GIL, releasing the GIL while it waits. 0, or an errno. */
static int guard_lock(Guard *g) {
    int rc = pthread_mutex_trylock(&g->mutex);
    if (rc == EBUSY) {
        Py_BEGIN_ALLOW_THREADS;
        rc = pthread_mutex_lock(&g->mutex);
        Py_END_ALLOW_THREADS;
    }
    return rc;
}

static int guard_lock_or_raise(Guard *g) {
    int rc = guard_lock(g);
    if (rc != 0) {
        errno = rc;
        PyErr_SetFromErrno(PyExc_RuntimeError);
        return -1;
    }
    return 0;
}

static PyObject *Guard_enter(Guard *self, PyObject *unused) {
    if (guard_lock_or_raise(self) < 0)
        return NULL;
    Py_INCREF(self);
    return (PyObject *)self;
}

static PyObject *Guard_exit(Guard *self, PyObject *args) {
    int rc = pthread_mutex_unlock(&self->mutex);
    if (rc != 0) {
        errno = rc;
        return PyErr_SetFromErrno(PyExc_RuntimeError);
    }
    Py_RETURN_FALSE;
}

static PyMethodDef Guard_methods[] = {
    {"__enter__", (PyCFunction)Guard_enter, METH_NOARGS, "wait (without the GIL) and hold it"},
    {"__exit__", (PyCFunction)Guard_exit, METH_VARARGS, "let it go"},
    {NULL}};

static PyTypeObject GuardType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "media_rtc.native._fanout.Guard",
    .tp_doc = "The lock of one libsrtp context, shared by its outlets and aiortc's own protect calls",
    .tp_basicsize = sizeof(Guard),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Guard_new,
    .tp_dealloc = (destructor)Guard_dealloc,
    .tp_methods = Guard_methods,
};

typedef struct {
    PyObject_HEAD
    Guard *guard; /* held around every use of srtp and of the fields below */
    int fd;
    struct sockaddr_storage addr;
    socklen_t addrlen;
    void *srtp;
    PyObject *session; /* keeps the pylibsrtp Session (and so the srtp_t) alive */
    uint32_t ssrc;
    uint32_t ts_origin;
    uint16_t seq;
    uint16_t picture_id;
    uint8_t payload_type;
    int video;
    int clock_rate;
    int64_t frame_step;
    uint8_t ext[MAX_EXT_BYTES]; /* header-extension block: profile, length, elements */
    int ext_len;
    int ast_offset; /* where abs-send-time's 3 bytes go in ext, or -1 */
    /* timestamp rewriting: out = in + offset, re-anchored when the source or generation changes */
    int anchored;
    uint64_t anchor_source;
    int64_t anchor_generation;
    int64_t offset;
    int has_last;
    int64_t last_out;
    double last_out_at;
    int waiting_for_keyframe;
    int closed;
    /* what RTCP sender reports need */
    uint64_t packets, octets, frames, payload_bytes, packets_dropped, send_errors;
    uint32_t last_rtp_ts;
    uint64_t last_ntp;
    FrameRecord history[HISTORY];
    int history_next;
} Outlet;

static PyTypeObject OutletType;

static double monotonic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t ntp_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seconds = (uint64_t)ts.tv_sec + 2208988800ULL;
    uint64_t fraction = ((uint64_t)ts.tv_nsec << 32) / 1000000000ULL;
    return (seconds << 32) | (fraction & 0xFFFFFFFFULL);
}

/* Stop sending: after this the sending thread skips the outlet, and nothing it could be using
 * is freed under it (the session is dropped only once the guard is let go). */
static int outlet_release(Outlet *self) {
    int fd;
    if (self->guard != NULL) {
        if (guard_lock_or_raise(self->guard) < 0)
            return -1;
    }
    fd = self->fd;
    self->fd = -1;
    self->closed = 1;
    self->srtp = NULL;
    if (self->guard != NULL)
        pthread_mutex_unlock(&self->guard->mutex);
    if (fd >= 0)
        close(fd);
    Py_CLEAR(self->session);
    return 0;
}

static void Outlet_dealloc(Outlet *self) {
    /* Nobody else holds a reference, so only another outlet's send can hold the guard: wait. If
     * this very thread holds it (dropped inside `with guard:`), nobody else can be sending. */
    if (outlet_release(self) < 0) {
        PyErr_Clear();
        if (self->fd >= 0)
            close(self->fd);
        self->fd = -1;
        self->closed = 1;
        self->srtp = NULL;
        Py_CLEAR(self->session);
    }
    Py_CLEAR(self->guard);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Outlet_init(Outlet *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"fd", "host", "port", "srtp", "session", "ssrc", "payload_type",
                             "video", "clock_rate", "frame_step", "extensions", "abs_send_time_at",
                             "sequence_number", "timestamp_origin", "picture_id", "guard", NULL};
    int fd, port, video, clock_rate, ast_offset, payload_type, seq, picture_id;
    const char *host;
    unsigned long long srtp;
    unsigned long ssrc, ts_origin;
    long long frame_step;
    PyObject *session, *guard = Py_None;
    Py_buffer ext;
    if (self->guard != NULL) {
        /* the sending thread may be using this outlet: it is made once, never re-made */
        PyErr_SetString(PyExc_RuntimeError, "an Outlet is initialised once");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "isiKOkipiLy*iiki|O", kwlist, &fd, &host, &port,
                                     &srtp, &session, &ssrc, &payload_type, &video, &clock_rate,
                                     &frame_step, &ext, &ast_offset, &seq, &ts_origin, &picture_id,
                                     &guard))
        return -1;
    if (guard != Py_None && !PyObject_TypeCheck(guard, &GuardType)) {
        PyBuffer_Release(&ext);
        PyErr_SetString(PyExc_TypeError, "guard must be a Guard (or None: a guard of its own)");
        return -1;
    }
    if (ext.len > MAX_EXT_BYTES || ext.len % 4 ||
        (ast_offset >= 0 && (ast_offset < 4 || ast_offset + 3 > (int)ext.len))) {
        PyBuffer_Release(&ext);
        PyErr_SetString(PyExc_ValueError, "bad header-extension block");
        return -1;
    }
    memcpy(self->ext, ext.buf, ext.len);
    self->ext_len = (int)ext.len;
    PyBuffer_Release(&ext);
    if (srtp == 0 || srtp_protect_ptr == NULL) {
        PyErr_SetString(PyExc_ValueError, "no SRTP session (or srtp_protect not bound)");
        return -1;
    }
    memset(&self->addr, 0, sizeof(self->addr));
    struct sockaddr_in *v4 = (struct sockaddr_in *)&self->addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&self->addr;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        self->addrlen = sizeof(*v4);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        self->addrlen = sizeof(*v6);
    } else {
        PyErr_SetString(PyExc_ValueError, "remote address is not a numeric IPv4/IPv6 address");
        return -1;
    }
    if (guard == Py_None) {
        guard = PyObject_CallNoArgs((PyObject *)&GuardType);
        if (guard == NULL)
            return -1;
    } else {
        Py_INCREF(guard);
    }
    self->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (self->fd < 0) {
        Py_DECREF(guard);
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    self->guard = (Guard *)guard;
    Py_INCREF(session);
    Py_XSETREF(self->session, session);
    self->srtp = (void *)(uintptr_t)srtp;
    self->ssrc = (uint32_t)ssrc;
    self->ts_origin = (uint32_t)ts_origin;
    self->seq = (uint16_t)seq;
    self->picture_id = (uint16_t)(picture_id & 0x7FFF);
    self->payload_type = (uint8_t)(payload_type & 0x7F);
    self->video = video;
    self->clock_rate = clock_rate;
    self->frame_step = frame_step;
    self->ast_offset = ast_offset;
    self->waiting_for_keyframe = video;
    self->closed = 0;
    return 0;
}

static PyObject *Outlet_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    Outlet *self = (Outlet *)type->tp_alloc(type, 0);
    if (self != NULL)
        self->fd = -1;
    return (PyObject *)self;
}

static PyObject *Outlet_close(Outlet *self, PyObject *unused) {
    if (outlet_release(self) < 0)
        return NULL;
    Py_RETURN_NONE;
}

/* Methods reading or changing an outlet's state hold its guard (the sending thread changes it). */
static int outlet_lock(Outlet *self) {
    if (self->guard == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "the Outlet was not initialised");
        return -1;
    }
    return guard_lock_or_raise(self->guard);
}

static void outlet_unlock(Outlet *self) {
    pthread_mutex_unlock(&self->guard->mutex);
}

/* lookup(seq) -> (serial, source, index, rtp_timestamp, picture_id, last) or None */
static PyObject *Outlet_lookup(Outlet *self, PyObject *arg) {
    long seq = PyLong_AsLong(arg);
    if (seq == -1 && PyErr_Occurred())
        return NULL;
    if (outlet_lock(self) < 0)
        return NULL;
    FrameRecord found = {0};
    uint16_t index = 0;
    for (int i = 0; i < HISTORY; i++) {
        FrameRecord *r = &self->history[i];
        index = (uint16_t)((uint16_t)seq - r->first_seq);
        if (r->used && index < r->count) {
            found = *r;
            break;
        }
    }
    outlet_unlock(self);
    if (!found.used)
        Py_RETURN_NONE;
    return Py_BuildValue("KKikiO", (unsigned long long)found.serial,
                         (unsigned long long)found.source, (int)index, (unsigned long)found.rtp_ts,
                         (int)found.picture_id, index == found.count - 1 ? Py_True : Py_False);
}

static PyObject *Outlet_counters(Outlet *self, PyObject *unused) {
    if (outlet_lock(self) < 0)
        return NULL;
    unsigned long long packets = self->packets, octets = self->octets, frames = self->frames,
                       payload_bytes = self->payload_bytes, dropped = self->packets_dropped,
                       errors = self->send_errors, last_ntp = self->last_ntp;
    unsigned long last_rtp_ts = self->last_rtp_ts;
    outlet_unlock(self);
    return Py_BuildValue("{s:K,s:K,s:K,s:K,s:K,s:K,s:k,s:K}", "packets", packets, "octets", octets,
                         "frames", frames, "payload_bytes", payload_bytes, "packets_dropped",
                         dropped, "send_errors", errors, "last_rtp_timestamp", last_rtp_ts,
                         "last_ntp", last_ntp);
}

/* One int field of the outlet, read under its guard. */
static PyObject *outlet_read(Outlet *self, const int *field, const uint16_t *field16) {
    if (outlet_lock(self) < 0)
        return NULL;
    long value = field ? (long)*field : (long)*field16;
    outlet_unlock(self);
    return PyLong_FromLong(value);
}

static PyObject *outlet_read_bool(Outlet *self, const int *field) {
    PyObject *value = outlet_read(self, field, NULL);
    if (value == NULL)
        return NULL;
    PyObject *truth = PyBool_FromLong(PyLong_AsLong(value));
    Py_DECREF(value);
    return truth;
}

static PyObject *Outlet_get_waiting(Outlet *self, void *closure) {
    return outlet_read_bool(self, &self->waiting_for_keyframe);
}

static int Outlet_set_waiting(Outlet *self, PyObject *value, void *closure) {
    if (value == NULL) {
        PyErr_SetString(PyExc_AttributeError, "waiting_for_keyframe cannot be deleted");
        return -1;
    }
    int truth = PyObject_IsTrue(value);
    if (truth < 0 || outlet_lock(self) < 0)
        return -1;
    self->waiting_for_keyframe = truth;
    outlet_unlock(self);
    return 0;
}

static PyObject *Outlet_get_seq(Outlet *self, void *closure) {
    return outlet_read(self, NULL, &self->seq);
}

static PyObject *Outlet_get_picture_id(Outlet *self, void *closure) {
    return outlet_read(self, NULL, &self->picture_id);
}

static PyObject *Outlet_get_closed(Outlet *self, void *closure) {
    return outlet_read_bool(self, &self->closed);
}

static PyObject *Outlet_get_guard(Outlet *self, void *closure) {
    if (self->guard == NULL)
        Py_RETURN_NONE;
    Py_INCREF(self->guard);
    return (PyObject *)self->guard;
}

static PyGetSetDef Outlet_getset[] = {
    {"waiting_for_keyframe", (getter)Outlet_get_waiting, (setter)Outlet_set_waiting,
     "True until the next keyframe reaches this viewer", NULL},
    {"sequence_number", (getter)Outlet_get_seq, NULL, "the next RTP sequence number", NULL},
    {"picture_id", (getter)Outlet_get_picture_id, NULL, "the next VP8 picture id", NULL},
    {"closed", (getter)Outlet_get_closed, NULL, "closed outlets send nothing", NULL},
    {"guard", (getter)Outlet_get_guard, NULL, "the Guard of this outlet's SRTP context", NULL},
    {NULL}};

static PyMethodDef Outlet_methods[] = {
    {"close", (PyCFunction)Outlet_close, METH_NOARGS, "stop sending; release the socket and session"},
    {"lookup", (PyCFunction)Outlet_lookup, METH_O, "which frame and packet a sequence number was"},
    {"counters", (PyCFunction)Outlet_counters, METH_NOARGS, "packets, octets, ... sent so far"},
    {NULL}};

static PyTypeObject OutletType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "media_rtc.native._fanout.Outlet",
    .tp_doc = "One viewer's RTP stream of one kind, sent natively",
    .tp_basicsize = sizeof(Outlet),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Outlet_new,
    .tp_init = (initproc)Outlet_init,
    .tp_dealloc = (destructor)Outlet_dealloc,
    .tp_methods = Outlet_methods,
    .tp_getset = Outlet_getset,
};

typedef struct {
    const uint8_t *data;
    Py_ssize_t len;
} Chunk;

/* Build, protect and send one frame's packets to one outlet. Runs without the GIL. */
static int send_to_outlet(Outlet *o, const Chunk *chunks, Py_ssize_t n_chunks, int64_t timestamp,
                          int keyframe, uint64_t source, int64_t generation, uint64_t serial,
                          double now, uint64_t ntp, uint8_t *slots, struct mmsghdr *msgs,
                          struct iovec *iovs) {
    if (o->closed || o->fd < 0 || o->srtp == NULL)
        return 0;
    if (!o->anchored || o->anchor_source != source || o->anchor_generation != generation) {
        /* a new stretch starts at a keyframe and continues this viewer's own timeline */
        if (o->video && !keyframe) {
            o->waiting_for_keyframe = 1;
            return 0;
        }
        int64_t start = 0;
        if (o->has_last) {
            int64_t elapsed = (int64_t)((now - o->last_out_at) * o->clock_rate);
            start = o->last_out + (elapsed > o->frame_step ? elapsed : o->frame_step);
        }
        o->offset = start - timestamp;
        o->anchored = 1;
        o->anchor_source = source;
        o->anchor_generation = generation;
    } else if (o->waiting_for_keyframe && !keyframe) {
        return 0;
    }
    o->waiting_for_keyframe = 0;
    int64_t out = timestamp + o->offset;
    o->last_out = out;
    o->has_last = 1;
    o->last_out_at = now;
    uint32_t rtp_ts = o->ts_origin + (uint32_t)(uint64_t)out;
    uint16_t picture_id = o->picture_id;
    uint16_t first_seq = o->seq;
    int descriptor = o->video ? VP8_DESCRIPTOR : 0;
    int header = 12 + o->ext_len;
    uint32_t ast = (uint32_t)((ntp >> 14) & 0x00FFFFFF);
    Py_ssize_t sent_packets = 0;
    uint64_t payload_bytes = 0;

    for (Py_ssize_t start = 0; start < n_chunks; start += BATCH) {
        Py_ssize_t count = n_chunks - start < BATCH ? n_chunks - start : BATCH;
        int ready = 0;
        for (Py_ssize_t k = 0; k < count; k++) {
            Py_ssize_t i = start + k;
            const Chunk *c = &chunks[i];
            if (header + descriptor + c->len > MAX_RTP_BYTES) {
                o->send_errors++;
                continue;
            }
            uint8_t *p = slots + (size_t)ready * SLOT_BYTES;
            int last = i == n_chunks - 1;
            p[0] = 0x80 | (o->ext_len ? 0x10 : 0);
            p[1] = (uint8_t)((last ? 0x80 : 0) | o->payload_type);
            p[2] = (uint8_t)(o->seq >> 8);
            p[3] = (uint8_t)o->seq;
            p[4] = (uint8_t)(rtp_ts >> 24);
            p[5] = (uint8_t)(rtp_ts >> 16);
            p[6] = (uint8_t)(rtp_ts >> 8);
            p[7] = (uint8_t)rtp_ts;
            p[8] = (uint8_t)(o->ssrc >> 24);
            p[9] = (uint8_t)(o->ssrc >> 16);
            p[10] = (uint8_t)(o->ssrc >> 8);
            p[11] = (uint8_t)o->ssrc;
            if (o->ext_len) {
                memcpy(p + 12, o->ext, o->ext_len);
                if (o->ast_offset >= 0) {
                    p[12 + o->ast_offset] = (uint8_t)(ast >> 16);
                    p[12 + o->ast_offset + 1] = (uint8_t)(ast >> 8);
                    p[12 + o->ast_offset + 2] = (uint8_t)ast;
                }
            }
            uint8_t *payload = p + header;
            if (descriptor) {
                /* RFC 7741: X=1, S=1 on the first packet of the frame, I=1, 15-bit picture id */
                payload[0] = i == 0 ? 0x90 : 0x80;
                payload[1] = 0x80;
                payload[2] = (uint8_t)(0x80 | (picture_id >> 8));
                payload[3] = (uint8_t)picture_id;
            }
            memcpy(payload + descriptor, c->data, c->len);
            int len = header + descriptor + (int)c->len;
            if (srtp_protect_ptr(o->srtp, p, &len) != 0 || len > SLOT_BYTES) {
                o->send_errors++;
                o->seq++;
                continue;
            }
            iovs[ready].iov_base = p;
            iovs[ready].iov_len = (size_t)len;
            memset(&msgs[ready], 0, sizeof(msgs[ready]));
            msgs[ready].msg_hdr.msg_name = &o->addr;
            msgs[ready].msg_hdr.msg_namelen = o->addrlen;
            msgs[ready].msg_hdr.msg_iov = &iovs[ready];
            msgs[ready].msg_hdr.msg_iovlen = 1;
            ready++;
            o->seq++;
            o->octets += (uint64_t)(descriptor + c->len);
            payload_bytes += (uint64_t)c->len;
        }
        int done = 0;
        while (done < ready) {
            int n = sendmmsg(o->fd, msgs + done, (unsigned int)(ready - done), MSG_DONTWAIT);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                /* a full socket buffer (or a vanished route): UDP loses them; NACK/PLI repair */
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
                    o->packets_dropped += (uint64_t)(ready - done);
                else
                    o->send_errors += (uint64_t)(ready - done);
                break;
            }
            done += n;
        }
        sent_packets += done;
        o->packets += (uint64_t)ready; /* as aiortc counts them: packets handed to the socket */
    }
    if (o->video)
        o->picture_id = (uint16_t)((picture_id + 1) & 0x7FFF);
    FrameRecord *r = &o->history[o->history_next];
    o->history_next = (o->history_next + 1) % HISTORY;
    r->serial = serial;
    r->source = source;
    r->rtp_ts = rtp_ts;
    r->first_seq = first_seq;
    r->count = (uint16_t)(o->seq - first_seq);
    r->picture_id = picture_id;
    r->used = 1;
    o->last_rtp_ts = rtp_ts;
    o->last_ntp = ntp;
    o->frames++;
    o->payload_bytes += payload_bytes;
    return sent_packets > 0;
}

/* One frame's arguments, parsed with the GIL; its sequences hold the outlets and bytes alive. */
typedef struct {
    PyObject *outlets_seq, *chunks_seq;
    Outlet **outlets;
    Py_ssize_t n_outlets;
    Chunk *chunks;
    Py_ssize_t n_chunks;
    long long timestamp, generation;
    int keyframe;
    unsigned long long source, serial;
    Py_ssize_t reached;
} Frame;

static void frame_clear(Frame *f) {
    PyMem_Free(f->outlets);
    PyMem_Free(f->chunks);
    Py_XDECREF(f->outlets_seq);
    Py_XDECREF(f->chunks_seq);
    memset(f, 0, sizeof(*f));
}

/* (outlets, chunks, timestamp, keyframe, source, generation, serial) -> f; -1 with an exception */
static int frame_parse(Frame *f, PyObject *args) {
    PyObject *outlets_arg, *chunks_arg;
    memset(f, 0, sizeof(*f));
    if (!PyTuple_Check(args)) {
        PyErr_SetString(PyExc_TypeError, "a frame is a tuple of send_frame's arguments");
        return -1;
    }
    if (!PyArg_ParseTuple(args, "OOLpKLK", &outlets_arg, &chunks_arg, &f->timestamp, &f->keyframe,
                          &f->source, &f->generation, &f->serial))
        return -1;
    f->outlets_seq = PySequence_Fast(outlets_arg, "outlets must be a sequence");
    if (f->outlets_seq == NULL)
        goto fail;
    f->chunks_seq = PySequence_Fast(chunks_arg, "chunks must be a sequence of bytes");
    if (f->chunks_seq == NULL)
        goto fail;
    f->n_outlets = PySequence_Fast_GET_SIZE(f->outlets_seq);
    f->n_chunks = PySequence_Fast_GET_SIZE(f->chunks_seq);
    if (f->n_outlets == 0 || f->n_chunks == 0) {
        f->n_outlets = f->n_chunks = 0; /* nothing to send */
        return 0;
    }
    f->outlets = PyMem_Calloc((size_t)f->n_outlets, sizeof(Outlet *));
    f->chunks = PyMem_Calloc((size_t)f->n_chunks, sizeof(Chunk));
    if (!f->outlets || !f->chunks) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < f->n_chunks; i++) {
        PyObject *chunk = PySequence_Fast_GET_ITEM(f->chunks_seq, i);
        if (!PyBytes_Check(chunk)) {
            PyErr_SetString(PyExc_TypeError, "chunks must be bytes");
            goto fail;
        }
        f->chunks[i].data = (const uint8_t *)PyBytes_AS_STRING(chunk);
        f->chunks[i].len = PyBytes_GET_SIZE(chunk);
    }
    for (Py_ssize_t i = 0; i < f->n_outlets; i++) {
        PyObject *outlet = PySequence_Fast_GET_ITEM(f->outlets_seq, i);
        if (!PyObject_TypeCheck(outlet, &OutletType)) {
            PyErr_SetString(PyExc_TypeError, "outlets must be Outlet objects");
            goto fail;
        }
        f->outlets[i] = (Outlet *)outlet; /* the sequence holds a reference for the whole call */
    }
    return 0;
fail:
    frame_clear(f);
    return -1;
}

/* Send one parsed frame to each of its outlets, each under its guard. Runs without the GIL and
 * touches no Python object: the frame's sequences keep the bytes and outlets (and so their
 * guards) alive, and the event loop takes the same guard for aiortc's own protect calls and for
 * every Outlet method. */
static void frame_send(Frame *f, uint8_t *slots, struct mmsghdr *msgs, struct iovec *iovs) {
    double now = monotonic_now();
    uint64_t ntp = ntp_now();
    for (Py_ssize_t i = 0; i < f->n_outlets; i++) {
        Outlet *o = f->outlets[i];
        if (o->guard == NULL || pthread_mutex_lock(&o->guard->mutex) != 0)
            continue; /* never initialised (it could not be made), or not lockable: not sent */
        f->reached += send_to_outlet(o, f->chunks, f->n_chunks, (int64_t)f->timestamp, f->keyframe,
                                     (uint64_t)f->source, (int64_t)f->generation,
                                     (uint64_t)f->serial, now, ntp, slots, msgs, iovs);
        pthread_mutex_unlock(&o->guard->mutex);
    }
}

typedef struct {
    uint8_t *slots;
    struct mmsghdr *msgs;
    struct iovec *iovs;
} Buffers;

static int buffers_alloc(Buffers *b) {
    b->slots = PyMem_Malloc((size_t)BATCH * SLOT_BYTES);
    b->msgs = PyMem_Calloc(BATCH, sizeof(struct mmsghdr));
    b->iovs = PyMem_Calloc(BATCH, sizeof(struct iovec));
    if (!b->slots || !b->msgs || !b->iovs) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void buffers_free(Buffers *b) {
    PyMem_Free(b->slots);
    PyMem_Free(b->msgs);
    PyMem_Free(b->iovs);
}

/* send_frame(outlets, chunks, timestamp, keyframe, source, generation, serial) -> viewers reached */
static PyObject *send_frame(PyObject *module, PyObject *args) {
    Frame frame;
    Buffers buffers = {0};
    PyObject *result = NULL;
    if (frame_parse(&frame, args) < 0)
        return NULL;
    if (frame.n_outlets && buffers_alloc(&buffers) == 0) {
        Py_BEGIN_ALLOW_THREADS;
        frame_send(&frame, buffers.slots, buffers.msgs, buffers.iovs);
        Py_END_ALLOW_THREADS;
    }
    if (!PyErr_Occurred())
        result = PyLong_FromSsize_t(frame.reached);
    buffers_free(&buffers);
    frame_clear(&frame);
    return result;
}

/* send_frames([frame, ...]) -> [viewers reached, ...]: send_frame for each frame, in order, with
 * the GIL released once for all of them (the sending thread takes whatever is queued: each time
 * it takes the GIL back from a busy event loop costs it up to the switch interval). */
static PyObject *send_frames(PyObject *module, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "frames must be a sequence of send_frame's arguments");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    Frame *frames = PyMem_Calloc((size_t)(n ? n : 1), sizeof(Frame));
    Buffers buffers = {0};
    PyObject *result = NULL;
    Py_ssize_t parsed = 0;
    if (frames == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; parsed < n; parsed++) {
        if (frame_parse(&frames[parsed], PySequence_Fast_GET_ITEM(seq, parsed)) < 0)
            goto done;
    }
    if (buffers_alloc(&buffers) < 0)
        goto done;
    Py_BEGIN_ALLOW_THREADS;
    for (Py_ssize_t i = 0; i < n; i++)
        frame_send(&frames[i], buffers.slots, buffers.msgs, buffers.iovs);
    Py_END_ALLOW_THREADS;
    result = PyList_New(n);
    if (result == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *reached = PyLong_FromSsize_t(frames[i].reached);
        if (reached == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, reached);
    }
done:
    for (Py_ssize_t i = 0; i < parsed; i++)
        frame_clear(&frames[i]);
    PyMem_Free(frames);
    buffers_free(&buffers);
    Py_DECREF(seq);
    return result;
}

static PyObject *bind_srtp_protect(PyObject *module, PyObject *arg) {
    unsigned long long address = PyLong_AsUnsignedLongLong(arg);
    if (PyErr_Occurred())
        return NULL;
    if (address == 0) {
        PyErr_SetString(PyExc_ValueError, "srtp_protect address is NULL");
        return NULL;
    }
    srtp_protect_ptr = (srtp_protect_fn)(uintptr_t)address;
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"send_frame", send_frame, METH_VARARGS,
     "send_frame(outlets, chunks, timestamp, keyframe, source, generation, serial) -> viewers reached"},
    {"send_frames", send_frames, METH_O,
     "send_frames([frame, ...]) -> [viewers reached, ...]: each frame is send_frame's arguments"},
    {"bind_srtp_protect", bind_srtp_protect, METH_O,
     "bind_srtp_protect(address): the srtp_protect() pylibsrtp loaded"},
    {NULL}};

static struct PyModuleDef fanout_module = {
    PyModuleDef_HEAD_INIT, "media_rtc.native._fanout",
    "Native fan-out of encoded frames to many viewers (RTP, libsrtp, sendmmsg).", -1,
    module_methods};

PyMODINIT_FUNC PyInit__fanout(void) {
    if (PyType_Ready(&OutletType) < 0 || PyType_Ready(&GuardType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&fanout_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&OutletType);
    if (PyModule_AddObject(module, "Outlet", (PyObject *)&OutletType) < 0) {
        Py_DECREF(&OutletType);
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&GuardType);
    if (PyModule_AddObject(module, "Guard", (PyObject *)&GuardType) < 0) {
        Py_DECREF(&GuardType);
        Py_DECREF(module);
        return NULL;
    }
    PyModule_AddIntConstant(module, "HISTORY_FRAMES", HISTORY);
    PyModule_AddIntConstant(module, "MAX_RTP_BYTES", MAX_RTP_BYTES);
    return module;
}
