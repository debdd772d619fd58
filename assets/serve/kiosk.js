// When the kiosk's connection ends (the server restarted, or the kiosk program closed),
// reload the page as soon as the server answers again, so a kiosk-mode browser with no
// keyboard never stays on a dead page.
window.addEventListener("load", () => {
  const closed = new MutationObserver(() => {
    if (document.body.classList.contains("-closed")) {
      closed.disconnect();
      setInterval(async () => {
        try {
          const answer = await fetch("/", { method: "HEAD", cache: "no-store" });
          if (answer.ok) location.reload();
        } catch (error) {
          // not back yet
        }
      }, 3000);
    }
  });
  closed.observe(document.body, { attributes: true, attributeFilter: ["class"] });
});

// A long press on a touch screen opens the browser's menu; nobody at the kiosk needs it.
document.addEventListener("contextmenu", (event) => event.preventDefault());
