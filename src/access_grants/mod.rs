//! Break-the-glass (DESIGN §4): a caseworker opens a citizen outside their
//! scope for at most three hours with a written reason — never restricted
//! enrolments — and every grant waits in their managers' review queue.

pub mod handlers;
