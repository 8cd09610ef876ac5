package io.integration.worker.adapters.http;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The JDK client's reader of a {@link CappedBody}: it asks for one list of buffers at a time, and for the next only once
 * the body has reserved the last; past the cap it cancels the subscription (the connection is dropped).
 */
final class CappedBodySubscriber implements HttpResponse.BodySubscriber<byte[]>, CappedBody.Stream {

    private final CappedBody body;
    private Flow.Subscription subscription;

    CappedBodySubscriber(CappedBody body) {
        this.body = body;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body.result();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        body.offer(this, items.toArray(ByteBuffer[]::new));
    }

    @Override
    public void onError(Throwable throwable) {
        body.failed(throwable);
    }

    @Override
    public void onComplete() {
        body.complete();
    }

    @Override
    public void more() {
        subscription.request(1);
    }

    @Override
    public void stop(Throwable why) {
        subscription.cancel();
    }
}
