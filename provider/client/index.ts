/** The WAAPI REST client: plain HTTP, typed errors, no Pulumi. */
export {
  WaapiClient,
  CHATS_PAGE_SIZE,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type RetryEvent,
  type WaapiClientOptions,
} from "./client";
export {
  WaapiError,
  WaapiActionError,
  WaapiAuthenticationError,
  WaapiPermissionError,
  WaapiNotFoundError,
  WaapiValidationError,
  WaapiRateLimitError,
  WaapiServerError,
  WaapiHttpError,
  WaapiNetworkError,
  WaapiResponseError,
  WaapiLineNotReadyError,
  WaapiGroupNotFoundError,
  WaapiGroupCreateOutcomeUnknownError,
  type NetworkFailureDetails,
  type WaapiErrorCode,
  type WaapiErrorContext,
} from "./errors";
export { RequestPacer, type PacerOptions } from "./pacer";
export {
  DEFAULT_RETRY_SETTINGS,
  RETRYABLE_NETWORK_CODES,
  backoffDelay,
  isRetryable,
  parseRetryAfter,
  retryDelay,
  type AttemptFailure,
  type HttpMethod,
  type RetrySettings,
} from "./retry";
