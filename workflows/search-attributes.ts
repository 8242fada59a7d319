// The search attributes a request workflow carries; registered on the server by scripts/infra/temporal.mjs (same names).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TrackingCodeKey = defineSearchAttributeKey('TrackingCode', SearchAttributeType.KEYWORD);
export const ServiceIdKey = defineSearchAttributeKey('ServiceId', SearchAttributeType.KEYWORD);
/** In list queries `Status` is a reserved word of the query language: quote it, e.g. "`Status` = 'pending_review'". */
export const StatusKey = defineSearchAttributeKey('Status', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [TrackingCodeKey, ServiceIdKey, StatusKey];
