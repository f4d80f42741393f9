// prov serve: the capture form (POST /api/archive, then poll the job) and copy buttons.
"use strict";

function show(element, text) {
  element.textContent = text;
  element.hidden = false;
}

async function pollJob(id, token, view) {
  const headers = { Authorization: "Bearer " + token };
  for (;;) {
    const answer = await fetch("/api/jobs/" + encodeURIComponent(id), { headers });
    const job = await answer.json();
    if (!answer.ok) {
      show(view.error, job.error ? job.error.message : "HTTP " + answer.status);
      return;
    }
    view.status.textContent = job.status;
    if (job.progress) {
      const latest = job.progress.latest ? ", latest " + job.progress.latest : "";
      view.status.textContent += ": " + job.progress.captures + " captured so far" + latest;
    }
    if (job.status === "done" || job.status === "error") {
      if (job.error) show(view.error, job.error);
      view.captures.replaceChildren();
      for (const capture of job.captures) {
        const item = document.createElement("li");
        if (capture.status !== null && !capture.error && capture.warc) {
          const link = document.createElement("a");
          link.href = "/web/" + capture.timestamp + "/" + capture.url;
          link.textContent = capture.timestamp + " " + capture.url + " (" + capture.status + ")";
          item.append(link);
        } else {
          item.textContent = capture.url + ": " + (capture.error || "HTTP " + capture.status);
        }
        view.captures.append(item);
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function setUpCaptureForm(form) {
  const view = {
    box: document.getElementById("job"),
    id: document.getElementById("job-id"),
    status: document.getElementById("job-status"),
    error: document.getElementById("job-error"),
    captures: document.getElementById("job-captures"),
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const token = String(data.get("token") || "");
    view.error.hidden = true;
    view.box.hidden = false;
    view.status.textContent = "sending";
    const answer = await fetch("/api/archive", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + token },
      body: JSON.stringify({ url: data.get("url"), mode: data.get("cited") ? "cited" : "page" }),
    });
    const job = await answer.json();
    if (!answer.ok) {
      view.status.textContent = "refused";
      show(view.error, job.error ? job.error.message : "HTTP " + answer.status);
      return;
    }
    view.id.textContent = job.job_id;
    view.status.textContent = job.status;
    await pollJob(job.job_id, token, view);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("capture-form");
  if (form) setUpCaptureForm(form);
  for (const button of document.querySelectorAll("button.copy")) {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      source.select();
      try {
        await navigator.clipboard.writeText(source.value);
        button.textContent = "Copied";
      } catch {
        document.execCommand("copy");
      }
    });
  }
});
