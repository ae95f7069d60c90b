/*
 * Supervisor's numbers that both ends of the protocol use: the XML-RPC
 * fault codes (supervisor/xmlrpc.py Faults) and the process states
 * (supervisor/states.py ProcessStates). supd sends them, supctl reads
 * them; one definition keeps the two in step.
 */
#ifndef SUPERVISOR_H
#define SUPERVISOR_H

enum fault {
	FAULT_OK = 0,
	FAULT_UNKNOWN_METHOD = 1,
	FAULT_INCORRECT_PARAMETERS = 2,
	FAULT_BAD_ARGUMENTS = 3,
	FAULT_SIGNATURE_UNSUPPORTED = 4,
	FAULT_SHUTDOWN_STATE = 6,
	FAULT_BAD_NAME = 10,
	FAULT_BAD_SIGNAL = 11,
	FAULT_NO_FILE = 20,
	FAULT_NOT_EXECUTABLE = 21,
	FAULT_FAILED = 30,
	FAULT_ABNORMAL_TERMINATION = 40,
	FAULT_SPAWN_ERROR = 50,
	FAULT_ALREADY_STARTED = 60,
	FAULT_NOT_RUNNING = 70,
	FAULT_SUCCESS = 80,
	FAULT_ALREADY_ADDED = 90,
	FAULT_STILL_RUNNING = 91,
	FAULT_CANT_REREAD = 92,
};

enum process_state {
	PROCESS_STOPPED = 0,
	PROCESS_STARTING = 10,
	PROCESS_RUNNING = 20,
	PROCESS_BACKOFF = 30,
	PROCESS_STOPPING = 40,
	PROCESS_EXITED = 100,
	PROCESS_FATAL = 200,
	PROCESS_UNKNOWN = 1000,
};

#endif
