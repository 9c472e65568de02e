// Craftista page script: progressive enhancement over a page that is complete without it.
// Loaded as a file (the Content-Security-Policy allows no inline script or inline handlers).
/* global CSS, HTMLFormElement, URLSearchParams, FormData, IntersectionObserver */
(() => {
  'use strict';
  const products = document.getElementById('products');
  const feedback = document.getElementById('vote-feedback');
  if (!products) return;
  let votingUp = products.dataset.voting === 'up';

  const say = (text, kind) => {
    feedback.className = `notice ${kind}`;
    feedback.textContent = text;
  };

  const setVotes = (id, votes) => {
    const count = document.querySelector(`#votes-${CSS.escape(String(id))} .count`);
    if (count && String(votes) !== count.textContent) count.textContent = String(votes);
  };

  const setVoting = (up) => {
    votingUp = up;
    products.dataset.voting = up ? 'up' : 'down';
    for (const form of document.querySelectorAll('form.vote-form')) form.hidden = !up;
    const box = document.getElementById('status-voting');
    if (box) {
      box.classList.toggle('up', up);
      box.classList.toggle('down', !up);
      box.querySelector('.state').textContent = up ? 'Up' : 'Down';
    }
  };

  // Voting in place: the same form, sent with fetch, answered with the new count.
  document.addEventListener('submit', async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('vote-form')) return;
    event.preventDefault();
    const button = form.querySelector('button');
    const card = form.closest('.product');
    const name = card ? card.querySelector('h3').textContent : 'this origami';
    button.disabled = true;
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        headers: { accept: 'application/json' },
        body: new URLSearchParams(new FormData(form)),
      });
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        setVotes(body.id, body.votes);
        say(`Thank you! Your vote for ${name} was recorded.`, 'success');
      } else if (res.status === 429) {
        say(
          `You are voting too fast. Try again in ${res.headers.get('retry-after') || 'a few'} seconds.`,
          'error',
        );
      } else {
        say(body.message || 'Vote did not get registered. Try again later.', 'error');
      }
    } catch {
      say('An error occurred while submitting your vote. Please try again later.', 'error');
    } finally {
      button.disabled = false;
    }
  });

  // Live counts (and voting going down or coming back) from the frontend's event stream.
  if ('EventSource' in window) {
    const events = new EventSource('/api/origamis/stream');
    events.onmessage = (e) => {
      const vote = JSON.parse(e.data);
      setVotes(vote.id, vote.votes);
    };
    events.addEventListener('snapshot', (e) => {
      for (const vote of JSON.parse(e.data)) setVotes(vote.id, vote.votes);
    });
    events.addEventListener('voting', (e) => setVoting(JSON.parse(e.data).status === 'up'));
    window.addEventListener('pagehide', () => events.close());
  }

  // Infinite scroll: the "More origamis" link (which works without JavaScript) becomes the trigger.
  const more = document.getElementById('load-more');
  if (more && 'IntersectionObserver' in window) {
    let loading = false;
    const load = async () => {
      if (loading || !more.isConnected) return;
      loading = true;
      try {
        const res = await fetch(`/fragments/products?offset=${more.dataset.offset}&limit=6`);
        if (!res.ok) return;
        products.insertAdjacentHTML('beforeend', await res.text());
        if (!votingUp) setVoting(false);
        const next = res.headers.get('x-next-offset');
        if (next) {
          more.dataset.offset = next;
          more.href = `/?show=${Number(next) + 6}`;
          observer.unobserve(more);
          observer.observe(more);
        } else {
          observer.disconnect();
          more.remove();
        }
      } finally {
        loading = false;
      }
    };
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting)) void load();
      },
      { rootMargin: '200px' },
    );
    observer.observe(more);
    more.addEventListener('click', (event) => {
      event.preventDefault();
      void load();
    });
  }
})();
