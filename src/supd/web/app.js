// supd dashboard: keeps the server-rendered table live from the JSON API
// (/api/v1/) and adds the actions. Plain script, no build step; every
// text from the daemon goes into the page as text, never as markup.
"use strict";

(function () {
	var API = "/api/v1/";
	var COLUMNS = ["state", "name", "desc", "uptime", "restarts", "ready",
	    "health", "rss", "actions"];
	var LABELS = ["State", "Name", "Description", "Uptime", "Restarts",
	    "Ready", "Health", "RSS", "Actions"];
	var STATES = ["STOPPED", "STARTING", "RUNNING", "BACKOFF", "STOPPING",
	    "EXITED", "FATAL", "UNKNOWN"];
	var RUNNING = { STARTING: 1, RUNNING: 1, BACKOFF: 1 };
	var LOG_MAX = 256 * 1024;	// characters kept in a log view
	var REFRESH_MS = 5000;		// uptime and RSS while visible

	var tbody = document.querySelector("#procs tbody");
	var live = document.getElementById("live");
	var message = document.getElementById("message");
	var filter = document.getElementById("filter");
	var groupsBar = document.getElementById("groups");
	var procs = {};			// namespec -> process object
	var logs = {};			// namespec -> open log view
	var events = null;

	function namespec(p) {
		return p.group === p.name ? p.name : p.group + ":" + p.name;
	}

	function url(name, rest) {
		return API + "processes/" + encodeURIComponent(name) +
		    (rest ? "/" + rest : "");
	}

	function uptime(p) {
		var up = p.statename === "RUNNING" ? p.now - p.start : 0;
		var days, s;
		if (up <= 0)
			return "-";
		days = Math.floor(up / 86400);
		up %= 86400;
		s = Math.floor(up / 3600) + ":" +
		    String(Math.floor(up % 3600 / 60)).padStart(2, "0") + ":" +
		    String(up % 60).padStart(2, "0");
		return days > 0 ? days + (days === 1 ? " day, " : " days, ") + s : s;
	}

	function bytes(n) {
		var units = ["KiB", "MiB", "GiB", "TiB"], i = -1;
		if (!n || n <= 0)
			return "-";
		if (n < 1024)
			return n + " B";
		while (n >= 1024 && i < 3) {
			n /= 1024;
			i++;
		}
		return (n < 10 ? n.toFixed(1) : n.toFixed(0)) + " " + units[i];
	}

	function say(text, ok) {
		message.textContent = text;
		message.className = ok ? "message ok" : "message";
		message.hidden = !text;
	}

	// -- Actions ---------------------------------------------------------

	var dialog = document.getElementById("confirm");

	// Resolve true if the operator confirms a destructive action.
	function confirmAction(text) {
		if (!dialog || typeof dialog.showModal !== "function")
			return Promise.resolve(window.confirm(text));
		document.getElementById("confirm-text").textContent = text;
		return new Promise(function (resolve) {
			dialog.addEventListener("close", function done() {
				dialog.removeEventListener("close", done);
				resolve(dialog.returnValue === "ok");
			});
			dialog.returnValue = "";
			dialog.showModal();
			document.getElementById("confirm-cancel").focus();
		});
	}

	function post(path, body) {
		return fetch(path, {
			method: "POST",
			credentials: "same-origin",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify(body || {})
		}).then(function (r) {
			return r.json().catch(function () { return {}; })
			    .then(function (j) {
				if (!r.ok)
					throw new Error(j.error ? j.error.message :
					    r.status + " " + r.statusText);
				return j;
			});
		});
	}

	var ACTIONS = {
		start: { label: "Start" },
		stop: { label: "Stop", confirm: "Stop %s?" },
		restart: { label: "Restart", confirm: "Restart %s?" },
		"clear-log": { label: "Clear log",
		    confirm: "Clear the log files of %s?" }
	};

	function act(name, action, button) {
		var spec = ACTIONS[action];
		var ask = spec.confirm ? confirmAction(spec.confirm.replace("%s",
		    name)) : Promise.resolve(true);
		ask.then(function (yes) {
			if (!yes)
				return;
			button.disabled = true;
			say("");
			post(url(name, action), { wait: true }).then(function (p) {
				if (p && p.name !== undefined)
					update(p);
				if (action === "clear-log" && logs[name])
					logs[name].clear();
			}).catch(function (e) {
				say(name + ": " + e.message);
			}).then(function () {
				button.disabled = false;
				refreshButtons(name);
			});
		});
	}

	function rolling(group, button) {
		confirmAction("Restart group " + group + " one batch at a time?")
		    .then(function (yes) {
			if (!yes)
				return;
			button.disabled = true;
			post(API + "groups/" + encodeURIComponent(group) +
			    "/rolling-restart", {}).then(function () {
				say("Rolling restart of " + group + " started", true);
			}).catch(function (e) {
				say(group + ": " + e.message);
			}).then(function () { button.disabled = false; });
		});
	}

	// -- Rows ------------------------------------------------------------

	function makeButton(text, attrs, onclick) {
		var b = document.createElement("button");
		b.type = "button";
		b.textContent = text;
		Object.keys(attrs).forEach(function (k) { b.setAttribute(k, attrs[k]); });
		b.addEventListener("click", onclick);
		return b;
	}

	function actionsCell(row, name) {
		var td = row.querySelector("td.actions");
		td.textContent = "";
		Object.keys(ACTIONS).forEach(function (action) {
			var b = makeButton(ACTIONS[action].label, {
				"data-action": action,
				"aria-label": ACTIONS[action].label + " " + name
			}, function () { act(name, action, b); });
			if (ACTIONS[action].confirm && action !== "clear-log")
				b.className = "danger";
			td.appendChild(b);
		});
		var lb = makeButton("Log", {
			"data-action": "log", "aria-expanded": "false",
			"aria-label": "Log of " + name
		}, function () { toggleLog(name, lb); });
		td.appendChild(lb);
	}

	function refreshButtons(name) {
		var row = rowOf(name), p = procs[name];
		if (!row || !p)
			return;
		row.querySelectorAll("button[data-action]").forEach(function (b) {
			var a = b.getAttribute("data-action");
			if (a === "start")
				b.disabled = !!RUNNING[p.statename] ||
				    p.statename === "STOPPING";
			else if (a === "stop")
				b.disabled = !RUNNING[p.statename];
		});
	}

	function rowOf(name) {
		var rows = tbody.querySelectorAll("tr.proc"), i;
		for (i = 0; i < rows.length; i++)
			if (rows[i].getAttribute("data-name") === name)
				return rows[i];
		return null;
	}

	function newRow(name) {
		var tr = document.createElement("tr");
		tr.className = "proc";
		tr.setAttribute("data-name", name);
		COLUMNS.forEach(function (c, i) {
			var td = document.createElement("td");
			td.className = c;
			td.setAttribute("data-label", LABELS[i]);
			tr.appendChild(td);
		});
		tbody.appendChild(tr);
		return tr;
	}

	function setCell(row, cls, text) {
		var td = row.querySelector("td." + cls);
		if (td.textContent !== text)
			td.textContent = text;
	}

	// Show p; a row the server rendered gets its buttons the first time.
	function update(p) {
		var name = namespec(p), row = rowOf(name), badge;
		var old = procs[name];
		if (old && (p.rss === undefined || p.rss === null))
			p.rss = old.rss;
		procs[name] = p;
		if (!row)
			row = newRow(name);
		if (!row.querySelector("td.actions button"))
			actionsCell(row, name);
		row.className = "proc st-" + p.statename;
		row.setAttribute("data-state", p.statename);
		row.setAttribute("data-group", p.group);
		badge = row.querySelector("td.state .badge");
		if (!badge) {
			row.querySelector("td.state").textContent = "";
			badge = document.createElement("span");
			badge.className = "badge";
			row.querySelector("td.state").appendChild(badge);
		}
		if (badge.textContent !== p.statename)
			badge.textContent = p.statename;
		setCell(row, "name", name);
		setCell(row, "desc", p.description);
		setCell(row, "uptime", uptime(p));
		setCell(row, "restarts", String(p.restarts || 0));
		setCell(row, "ready", p.ready ? "yes" : "no");
		setCell(row, "health", p.health || "none");
		setCell(row, "rss", bytes(p.rss));
		refreshButtons(name);
		applyFilter(row);
	}

	// A rolling restart button for each group of more than one process.
	function renderGroups() {
		var groups = {}, label;
		Object.keys(procs).forEach(function (n) {
			groups[procs[n].group] = (groups[procs[n].group] || 0) + 1;
		});
		var names = Object.keys(groups).filter(function (g) {
			return groups[g] > 1;
		}).sort();
		if (groupsBar.getAttribute("data-groups") === names.join("\n"))
			return;
		groupsBar.setAttribute("data-groups", names.join("\n"));
		groupsBar.textContent = "";
		if (names.length > 0) {
			label = document.createElement("span");
			label.textContent = "Groups:";
			groupsBar.appendChild(label);
		}
		names.forEach(function (g) {
			var b = makeButton("Rolling restart " + g, {
				"data-action": "rolling-restart", "data-group": g
			}, function () { rolling(g, b); });
			b.className = "danger";
			groupsBar.appendChild(b);
		});
	}

	// The whole list: rows of processes gone are removed.
	function load() {
		return fetch(API + "processes", { credentials: "same-origin" })
		    .then(function (r) {
			if (!r.ok)
				throw new Error(r.status + " " + r.statusText);
			return r.json();
		}).then(function (list) {
			var seen = {};
			list.forEach(function (p) {
				seen[namespec(p)] = 1;
				update(p);
			});
			tbody.querySelectorAll("tr.proc").forEach(function (row) {
				var n = row.getAttribute("data-name");
				if (!seen[n]) {
					if (logs[n])
						logs[n].close();
					row.remove();
					delete procs[n];
				}
			});
			renderGroups();
		}).catch(function (e) {
			say("Cannot load the processes: " + e.message);
		});
	}

	// -- Filter ----------------------------------------------------------

	function applyFilter(row) {
		var q = filter.value.trim().toLowerCase();
		var name = row.getAttribute("data-name");
		var text = (name + " " + (row.getAttribute("data-state") || "") +
		    " " + row.querySelector("td.desc").textContent).toLowerCase();
		row.hidden = q !== "" && text.indexOf(q) < 0;
		if (logs[name])
			logs[name].row.hidden = row.hidden;
	}

	filter.addEventListener("input", function () {
		tbody.querySelectorAll("tr.proc").forEach(applyFilter);
	});

	// -- Logs ------------------------------------------------------------

	// A live view of a process's log under its row.
	function LogView(name, row) {
		var self = this, td, bar, label, input, stream, pause;
		this.name = name;
		this.text = "";
		this.held = "";
		this.paused = false;
		this.row = document.createElement("tr");
		this.row.className = "log-row";
		td = document.createElement("td");
		td.colSpan = COLUMNS.length;
		bar = document.createElement("div");
		bar.className = "logbar";
		stream = document.createElement("select");
		stream.setAttribute("aria-label", "Stream of " + name);
		["stdout", "stderr"].forEach(function (s) {
			var o = document.createElement("option");
			o.value = o.textContent = s;
			stream.appendChild(o);
		});
		stream.addEventListener("change", function () {
			self.open(stream.value);
		});
		pause = makeButton("Pause", { "aria-pressed": "false",
		    "class": "pause" }, function () {
			self.paused = !self.paused;
			pause.setAttribute("aria-pressed", String(self.paused));
			pause.textContent = self.paused ? "Resume" : "Pause";
			if (!self.paused) {
				self.append(self.held);
				self.held = "";
			}
		});
		label = document.createElement("label");
		label.textContent = "Search ";
		input = document.createElement("input");
		input.type = "search";
		input.className = "log-search";
		input.addEventListener("input", function () { self.render(); });
		label.appendChild(input);
		bar.appendChild(stream);
		bar.appendChild(pause);
		bar.appendChild(label);
		this.search = input;
		this.pre = document.createElement("pre");
		this.pre.className = "log";
		this.pre.setAttribute("tabindex", "0");
		this.pre.setAttribute("aria-label", "Log of " + name);
		td.appendChild(bar);
		td.appendChild(this.pre);
		this.row.appendChild(td);
		row.after(this.row);
		this.open("stdout");
	}

	// The recent log, then what is appended from its end.
	LogView.prototype.open = function (stream) {
		var self = this;
		this.stop();
		this.text = "";
		this.held = "";
		this.render();
		fetch(url(this.name, "log") + "?stream=" + stream + "&length=16384",
		    { credentials: "same-origin" }).then(function (r) {
			return r.json().then(function (j) {
				if (!r.ok)
					throw new Error(j.error ? j.error.message :
					    r.statusText);
				return j;
			});
		}).then(function (j) {
			self.append(j.data);
			self.follow(stream, j.offset);
		}).catch(function (e) {
			self.text = "(" + e.message + ")\n";
			self.render();
		});
	};

	LogView.prototype.follow = function (stream, offset) {
		var self = this;
		this.source = new EventSource(url(this.name, "log/follow") +
		    "?stream=" + stream + "&offset=" + offset);
		this.source.addEventListener("log", function (e) {
			var d = JSON.parse(e.data);
			if (self.paused)
				self.held += d.data;
			else
				self.append(d.data);
		});
		this.source.addEventListener("truncated", function () {
			self.clear();
		});
	};

	LogView.prototype.append = function (s) {
		if (!s)
			return;
		this.text += s;
		if (this.text.length > LOG_MAX)
			this.text = this.text.slice(this.text.length - LOG_MAX);
		this.render();
	};

	LogView.prototype.clear = function () {
		this.text = "";
		this.held = "";
		this.render();
	};

	// Only the lines with the search text, which is marked.
	LogView.prototype.render = function () {
		var q = this.search.value, pre = this.pre, atEnd;
		atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
		pre.textContent = "";
		if (!q)
			pre.textContent = this.text;
		else
			this.text.split("\n").forEach(function (line) {
				var i = line.toLowerCase().indexOf(q.toLowerCase());
				if (i < 0)
					return;
				var m = document.createElement("mark");
				m.textContent = line.slice(i, i + q.length);
				pre.appendChild(document.createTextNode(line.slice(0, i)));
				pre.appendChild(m);
				pre.appendChild(document.createTextNode(
				    line.slice(i + q.length) + "\n"));
			});
		if (atEnd)
			pre.scrollTop = pre.scrollHeight;
	};

	LogView.prototype.stop = function () {
		if (this.source)
			this.source.close();
		this.source = null;
	};

	LogView.prototype.close = function () {
		this.stop();
		this.row.remove();
		delete logs[this.name];
	};

	function toggleLog(name, button) {
		if (logs[name]) {
			logs[name].close();
			button.setAttribute("aria-expanded", "false");
			return;
		}
		logs[name] = new LogView(name, rowOf(name));
		button.setAttribute("aria-expanded", "true");
	}

	// -- Live updates ----------------------------------------------------

	function onEvent(e) {
		var d = JSON.parse(e.data);
		if (d.process)
			update(d.process);
	}

	function connect() {
		events = new EventSource(API + "events");
		events.addEventListener("open", function () {
			live.textContent = "Live";
			live.className = "live on";
			load();
		});
		events.addEventListener("error", function () {
			live.textContent = "Reconnecting\u2026";
			live.className = "live";
		});
		STATES.forEach(function (s) {
			events.addEventListener("PROCESS_STATE_" + s, onEvent);
		});
	}

	tbody.querySelectorAll("tr.proc").forEach(function (row) {
		var name = row.getAttribute("data-name");
		actionsCell(row, name);
	});
	load();
	connect();
	setInterval(function () {
		if (document.visibilityState === "visible")
			load();
	}, REFRESH_MS);
})();
