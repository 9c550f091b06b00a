// Sends a transaction signed through the extension and reports every step in words: waiting for
// the signature, in the pool, in block #n, finalized; a refusal as the chain's named error with
// its documentation (the metadata carries the errors' `///` docs), never a raw code.

// The chain's error for a failed dispatch: "collectibles.BidTooLow: The bid is below …".
export function explainDispatchError (api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    return { name: `${section}.${name}`, words: docs.join(' ').trim() || name };
  }
  if (dispatchError.isToken) {
    return { name: `token.${dispatchError.asToken.type}`, words: TOKEN_WORDS[dispatchError.asToken.type] ?? dispatchError.asToken.type };
  }
  if (dispatchError.isArithmetic) {
    return { name: `arithmetic.${dispatchError.asArithmetic.type}`, words: 'An amount is out of range.' };
  }
  if (dispatchError.isBadOrigin) return { name: 'BadOrigin', words: 'This account may not make this call.' };
  return { name: dispatchError.type, words: dispatchError.type };
}

const TOKEN_WORDS = {
  FundsUnavailable: 'The account does not have the Stones free for this.',
  OnlyProvider: 'The account would be emptied.',
  BelowMinimum: 'The amount is below the existential deposit.',
  CannotCreate: 'The account cannot be created.',
  UnknownAsset: 'Unknown asset.',
  Frozen: 'The Stones are frozen.',
  Unsupported: 'Not supported.',
  CannotCreateHold: 'The account cannot hold Stones for this.',
  NotExpendable: 'The account would be emptied.',
  Blocked: 'The account is blocked.'
};

// The transaction pool's refusals ("1010: Invalid Transaction: Inability to pay some fees , e.g.
// account balance too low") in words.
export function explainSubmitError (error) {
  const message = String(error?.message ?? error);
  if (/Cancelled|Rejected by user/i.test(message)) return { name: 'Cancelled', words: 'The signature was declined in the extension.' };
  const invalid = /^\d+:\s*(Invalid|Unknown) Transaction:\s*(.*)$/s.exec(message);
  if (invalid) {
    const reason = invalid[2].replace(/\s+,/g, ',').trim();
    return { name: `Invalid transaction`, words: `The node refused the transaction: ${reason}.`.replace(/\.\.$/, '.') };
  }
  if (/Priority is too low/.test(message)) return { name: 'Pool', words: 'A transaction of this account is already waiting: wait for it to be included.' };
  return { name: 'Error', words: message };
}

// Signs `tx` as `address` with `signer`, reporting through `report(state, text, extra)`; resolves
// with `{ events, blockNumber }` once in a block (the finalization is reported later), rejects
// with `{ name, words }`.
export function send (api, tx, address, signer, report) {
  return new Promise((resolve, reject) => {
    let included = false;
    let unsubscribe;
    const fail = (explained) => {
      report('error', `${explained.name}: ${explained.words}`, explained);
      unsubscribe?.();
      reject(explained);
    };
    report('signing', 'waiting for your signature in the extension…');
    tx.signAndSend(address, { signer }, async (result) => {
      const { status, dispatchError, events } = result;
      try {
        if (status.isReady || status.isBroadcast) {
          report('pool', 'signed; waiting to be included in a block…');
        } else if (status.isInBlock && !included) {
          const header = await api.rpc.chain.getHeader(status.asInBlock);
          const blockNumber = header.number.toNumber();
          if (dispatchError) {
            fail({ ...explainDispatchError(api, dispatchError), blockNumber });
            return;
          }
          included = true;
          report('inblock', `in block #${blockNumber}; waiting for finality…`, { blockNumber });
          resolve({ events, blockNumber });
        } else if (status.isFinalized) {
          if (!included && dispatchError) {
            fail(explainDispatchError(api, dispatchError));
            return;
          }
          const header = await api.rpc.chain.getHeader(status.asFinalized);
          report('finalized', `finalized in block #${header.number.toNumber()}`);
          unsubscribe?.();
          if (!included) resolve({ events, blockNumber: header.number.toNumber() });
        } else if (status.isDropped || status.isInvalid || status.isUsurped) {
          fail({ name: status.type, words: `The transaction was ${status.type.toLowerCase()} by the node's pool; try again.` });
        }
      } catch (error) {
        fail(explainSubmitError(error));
      }
    }).then((unsub) => { unsubscribe = unsub; }, (error) => fail(explainSubmitError(error)));
  });
}
