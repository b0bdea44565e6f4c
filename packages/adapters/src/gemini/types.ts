/**
 * The subset of the Gemini Developer API wire format the adapter reads and writes
 * (`models/{model}:generateContent`, js-genai `src/types.ts`). Unknown fields are tolerated.
 * @module
 */

/** One part of a turn. */
export interface GeminiPart {
  text?: string;
  /** True on a thought summary (with `thinkingConfig.includeThoughts`). */
  thought?: boolean;
  /** Gemini 3: must be sent back with the part it came with. */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
  [extra: string]: unknown;
}

/** A turn: `user` or `model` (there is no `assistant` role). */
export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

/** `generationConfig`. */
export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  responseJsonSchema?: unknown;
  [extra: string]: unknown;
}

/** A function the model may call. */
export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (the field js-genai uses for JSON Schema input). */
  parametersJsonSchema?: Record<string, unknown>;
}

/** `toolConfig`. */
export interface GeminiToolConfig {
  functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED'; allowedFunctionNames?: string[] };
}

/** The request body of `generateContent` / `streamGenerateContent`. The model is in the URL. */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  generationConfig?: GeminiGenerationConfig;
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] } | Record<string, unknown>>;
  toolConfig?: GeminiToolConfig;
  safetySettings?: unknown;
  cachedContent?: string;
  [extra: string]: unknown;
}

/** `usageMetadata`. Every count is optional. */
export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  cachedContentTokenCount?: number;
  totalTokenCount?: number;
  [extra: string]: unknown;
}

/** One candidate answer. */
export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  index?: number;
  [extra: string]: unknown;
}

/** The response body (and each streamed event). */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; [extra: string]: unknown };
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  responseId?: string;
  [extra: string]: unknown;
}
